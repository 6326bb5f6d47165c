/** CloudWatch Embedded Metric Format lines, one per namespace. */
import { describe, expect, it } from 'vitest';
import { emfLine, emfRecord, KNOWN_PHASES, METRIC_NAMESPACE, phaseMetricName, transitionMetricName } from '../../../lib/sweep/metrics';

const NOW = Date.parse('2026-01-01T12:00:00Z');

describe('EMF line', () => {
  it('has the CloudWatch directive, the Namespace dimension and every value at top level', () => {
    const rec = emfRecord({ namespace: 'ns-a', jobs: 10, stuck: 2, transitions: 1, phases: { Running: 7, Pending: 3, Weird: 0 } }, NOW) as any;
    expect(rec._aws.Timestamp).toBe(NOW);
    expect(rec._aws.CloudWatchMetrics).toHaveLength(1);
    const d = rec._aws.CloudWatchMetrics[0];
    expect(d.Namespace).toBe('VolcanoJobs');
    // Per namespace, and without dimensions (the fleet, for alarms).
    expect(d.Dimensions).toEqual([['Namespace'], []]);
    const names = d.Metrics.map((m: { Name: string }) => m.Name);
    expect(names).toEqual(expect.arrayContaining(['Jobs', 'Stuck', 'Transitions', 'Phase.Running', 'Phase.Pending', 'Phase.Failed', 'Phase.Weird']));
    expect(names).toHaveLength(3 + 2 * KNOWN_PHASES.length + 1);
    for (const n of names) expect(typeof rec[n]).toBe('number');
    expect(rec).toMatchObject({ Namespace: 'ns-a', Jobs: 10, Stuck: 2, 'Phase.Running': 7, 'Phase.Pending': 3, 'Phase.Failed': 0 });
  });

  it('counts transitions by the phase they went to, every known phase written (0 included)', () => {
    const rec = emfRecord({ namespace: 'ns-a', jobs: 10, stuck: 0, transitions: 3, phases: { Running: 7 }, transitionsTo: { Failed: 2, Aborted: 1, Odd: 1 } }, NOW) as any;
    expect(rec).toMatchObject({ Transitions: 3, 'Transitions.Failed': 2, 'Transitions.Aborted': 1, 'Transitions.Odd': 1, 'Transitions.Running': 0, 'Transitions.Completed': 0 });
    const names = rec._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name);
    for (const phase of KNOWN_PHASES) expect(names).toContain(transitionMetricName(phase));
    expect(transitionMetricName('Failed')).toBe('Transitions.Failed');
  });
});

describe('EMF line, limits', () => {
  it('is the record as one JSON line', () => {
    const m = { namespace: 'ns-a', jobs: 1, stuck: 0, transitions: 0, phases: { Running: 1 } };
    expect(emfLine(m, NOW)).not.toContain('\n');
    expect(JSON.parse(emfLine(m, NOW))).toEqual(emfRecord(m, NOW));
    expect(METRIC_NAMESPACE).toBe('VolcanoJobs');
    expect(phaseMetricName('Running')).toBe('Phase.Running');
  });
  it('never declares more than 100 metrics in one directive, and every declared metric has its value', () => {
    const phases = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`P${i}`, i]));
    const rec = emfRecord({ namespace: 'n', jobs: 1, stuck: 0, transitions: 0, phases }, NOW) as { _aws: { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> } } & Record<string, unknown>;
    const names = rec._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name);
    expect(names).toHaveLength(100);
    for (const n of names) expect(typeof rec[n]).toBe('number');
    // The fixed metrics, every known phase and every known transition come first, so they survive the cut.
    expect(names.slice(0, 3 + 2 * KNOWN_PHASES.length)).toEqual(['Jobs', 'Stuck', 'Transitions', ...KNOWN_PHASES.map(phaseMetricName), ...KNOWN_PHASES.map(transitionMetricName)]);
  });
});
