/**
 * CloudWatch Embedded Metric Format: one JSON log line per namespace turns into metrics without
 * any API call (CloudWatch Logs extracts them), so dashboards and alarms cost no extra requests.
 * Every usual Volcano phase is written, zero included, so an alarm on `Phase.Failed` or
 * `Transitions.Failed` sees 0 rather than missing data. Each line is extracted twice: per
 * namespace (dimension `Namespace`, for the dashboard) and without dimensions (the fleet, for the
 * alarms in serverless.yml: Maximum of `Stuck`, Sum of `Transitions.Failed`).
 */

export const METRIC_NAMESPACE = 'VolcanoJobs';

/** Volcano's JobPhase values, plus `Inqueue` that CCI still reports. */
export const KNOWN_PHASES: readonly string[] = [
  'Pending', 'Inqueue', 'Running', 'Restarting', 'Completing', 'Completed',
  'Aborting', 'Aborted', 'Terminating', 'Terminated', 'Failed',
];

/** CloudWatch accepts at most 100 metrics per directive. */
const MAX_METRICS = 100;

export interface NamespaceMetrics {
  namespace: string;
  jobs: number;
  stuck: number;
  transitions: number;
  phases: Readonly<Record<string, number>>;
  /** Transitions by the phase they went to. */
  transitionsTo?: Readonly<Record<string, number>>;
}

export function phaseMetricName(phase: string): string {
  return `Phase.${phase}`;
}

export function transitionMetricName(toPhase: string): string {
  return `Transitions.${toPhase}`;
}

export function emfRecord(m: NamespaceMetrics, timestampMs: number): Record<string, unknown> {
  const values: Record<string, number> = { Jobs: m.jobs, Stuck: m.stuck, Transitions: m.transitions };
  // Known phases first (zeros included), so that a cut at MAX_METRICS only ever drops unusual phases.
  for (const phase of KNOWN_PHASES) values[phaseMetricName(phase)] = 0;
  for (const phase of KNOWN_PHASES) values[transitionMetricName(phase)] = 0;
  for (const [phase, count] of Object.entries(m.phases)) values[phaseMetricName(phase)] = count;
  for (const [phase, count] of Object.entries(m.transitionsTo ?? {})) values[transitionMetricName(phase)] = count;
  const names = Object.keys(values).slice(0, MAX_METRICS);
  return {
    _aws: {
      Timestamp: timestampMs,
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [['Namespace'], []],
          Metrics: names.map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    Namespace: m.namespace,
    ...Object.fromEntries(names.map((n) => [n, values[n]])),
  };
}

export function emfLine(m: NamespaceMetrics, timestampMs: number): string {
  return JSON.stringify(emfRecord(m, timestampMs));
}
