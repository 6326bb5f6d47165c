/**
 * The parts of a Volcano Job (batch.volcano.sh/v1alpha1) this project reads. Every other field is
 * kept as CCI returns it. Phases are an open set (CCI still reports the old `Inqueue`), and
 * `succeeded` may be spelled `Succeeded` by older Volcano versions.
 *
 * Answers from CCI are checked by the small guards below rather than a zod schema: they run on
 * every upstream answer, and zod would be the largest part of the getJob bundle for a check this
 * shallow. Inputs from callers (PATCH bodies, queue messages) are zod schemas (lib/patch-request.ts).
 */
import { isJsonObject } from '../core/json';

export interface VolcanoTask {
  name: string;
  replicas?: number;
  minAvailable?: number;
  [field: string]: unknown;
}

export interface VolcanoJob {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  spec?: {
    minAvailable?: number;
    queue?: string;
    tasks?: VolcanoTask[];
    [field: string]: unknown;
  };
  status?: {
    state?: { phase?: string; lastTransitionTime?: string; [field: string]: unknown };
    minAvailable?: number;
    pending?: number;
    running?: number;
    succeeded?: number;
    Succeeded?: number;
    failed?: number;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

export interface VolcanoJobList {
  items: VolcanoJob[];
  metadata?: { continue?: string; resourceVersion?: string; [field: string]: unknown };
  [field: string]: unknown;
}

const isDict = isJsonObject;
const optional = (v: unknown, type: 'string' | 'number') => v === undefined || typeof v === type;
const isStringMap = (v: unknown) => v === undefined || (isDict(v) && Object.values(v).every((x) => typeof x === 'string'));

function isJob(v: unknown): v is VolcanoJob {
  if (!isDict(v) || !isDict(v.metadata) || typeof v.metadata.name !== 'string') return false;
  if (v.kind !== undefined && v.kind !== 'Job') return false;
  const m = v.metadata;
  if (!optional(m.resourceVersion, 'string') || !optional(m.uid, 'string') || !optional(m.namespace, 'string')) return false;
  if (!isStringMap(m.labels) || !isStringMap(m.annotations)) return false;
  if (v.spec !== undefined) {
    if (!isDict(v.spec) || !optional(v.spec.minAvailable, 'number')) return false;
    const tasks = v.spec.tasks;
    if (tasks !== undefined && !(Array.isArray(tasks) && tasks.every((t) => isDict(t) && typeof t.name === 'string' && optional(t.replicas, 'number') && optional(t.minAvailable, 'number')))) {
      return false;
    }
  }
  if (v.status !== undefined) {
    if (!isDict(v.status)) return false;
    const state = v.status.state;
    if (state !== undefined && !(isDict(state) && optional(state.phase, 'string') && optional(state.lastTransitionTime, 'string'))) return false;
  }
  return true;
}

/** `Job` objects only: a Status, a JobList or an HTML page from a proxy is not a Job. */
export function parseJob(value: unknown): VolcanoJob | undefined {
  return isJob(value) ? value : undefined;
}

export function parseJobList(value: unknown): VolcanoJobList | undefined {
  if (!isDict(value) || !Array.isArray(value.items) || !value.items.every(isJob)) return undefined;
  if (value.metadata !== undefined && !(isDict(value.metadata) && optional(value.metadata.continue, 'string'))) return undefined;
  return value as VolcanoJobList;
}

export function jobPhase(job: VolcanoJob): string | undefined {
  return job.status?.state?.phase;
}

export interface JobSummary {
  namespace: string | undefined;
  name: string;
  uid: string | undefined;
  resourceVersion: string | undefined;
  phase: string | undefined;
  minAvailable: number | undefined;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  tasks: Array<{ name: string; replicas: number }>;
  labels: Record<string, string>;
  queue: string | undefined;
  /** From `status.state`, when the job has them (why it is in its phase, and since when). */
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** The `status.state` fields a summary carries when present. */
const STATE_FIELDS = ['reason', 'message', 'lastTransitionTime'] as const;

export function summarizeJob(job: VolcanoJob): JobSummary {
  const s = job.status;
  const summary: JobSummary = {
    namespace: job.metadata.namespace,
    name: job.metadata.name,
    uid: job.metadata.uid,
    resourceVersion: job.metadata.resourceVersion,
    phase: jobPhase(job),
    minAvailable: job.spec?.minAvailable,
    pending: s?.pending ?? 0,
    running: s?.running ?? 0,
    succeeded: s?.succeeded ?? s?.Succeeded ?? 0,
    failed: s?.failed ?? 0,
    tasks: (job.spec?.tasks ?? []).map((t) => ({ name: t.name, replicas: t.replicas ?? 0 })),
    labels: job.metadata.labels ?? {},
    queue: job.spec?.queue,
  };
  for (const k of STATE_FIELDS) if (typeof s?.state?.[k] == 'string') summary[k] = s.state[k] as string;
  return summary;
}
