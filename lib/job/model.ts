/**
 * A Volcano Job (batch.volcano.sh/v1alpha1) as CCI returns it. Parsing is liberal: an object with
 * `kind: Job`, an `apiVersion` and a `metadata.name` is a Job, and every other field is passed
 * through exactly as CCI sent it, odd or not. So the types below say `unknown` for everything but
 * the name, and readers go through the defensive accessors here (`text`, `count`, `dict`,
 * `stringMap`, `tasksOf`): a task with string replicas is neither a crash nor silently "fixed".
 *
 * Answers from CCI are checked by these small guards rather than a schema library: they run on
 * every upstream answer, and one would be the largest part of the getJob bundle. Inputs from
 * callers (PATCH bodies, queue messages) have their typed schema (lib/patch/schema.ts on
 * lib/core/schema.ts). A sweep's pages are read a job at a time (`scanJobList`).
 */
import { isJsonObject, nestedDeeperThan, tryParseJson, type JsonObject } from '../core/json';
import { splitArrayField } from '../core/json-split';

export type VolcanoTask = JsonObject;

export interface VolcanoJob {
  apiVersion?: unknown;
  kind?: unknown;
  metadata: { name: string; [field: string]: unknown };
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

export interface VolcanoJobList {
  items: VolcanoJob[];
  metadata?: { continue?: string; resourceVersion?: string; [field: string]: unknown };
  [field: string]: unknown;
}

const isDict = isJsonObject;

/** Own property only: a field named `constructor` is data, never Object.prototype's. */
export const field = (o: unknown, key: string): unknown => (isDict(o) && Object.hasOwn(o, key) ? o[key] : undefined);
export const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const dict = (v: unknown): JsonObject | undefined => (isDict(v) ? v : undefined);
/** A Kubernetes count (integer 0..2^31-1), or undefined for anything else. */
export const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2_147_483_647 ? v : undefined);
/** The string entries of a map (labels, annotations), as a fresh object of own keys. */
export const stringMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(dict(v) ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
/** `spec.tasks` entries that are objects (an odd entry is skipped by readers, kept in the Job). */
export const tasksOf = (job: VolcanoJob): VolcanoTask[] => {
  const tasks = field(job.spec, 'tasks');
  return Array.isArray(tasks) ? tasks.filter(isDict) : [];
};

/** Deeper than this, an answer is not a Job we can walk or answer with (JSON.stringify recurses). */
const MAX_ANSWER_DEPTH = 1000;

/** A Job but for the depth rule, which the caller has checked or checks next. */
function isJobShape(v: unknown): v is VolcanoJob {
  return isDict(v) && v.kind === 'Job' && typeof v.apiVersion === 'string' && typeof field(v.metadata, 'name') === 'string';
}

function isJob(v: unknown): v is VolcanoJob {
  return isJobShape(v) && !nestedDeeperThan(v, MAX_ANSWER_DEPTH);
}

/** `Job` objects only: a Status, a JobList or an HTML page from a proxy is not a Job. */
export function parseJob(value: unknown): VolcanoJob | undefined {
  return isJob(value) ? value : undefined;
}

export function parseJobList(value: unknown): VolcanoJobList | undefined {
  if (!isDict(value) || !Array.isArray(value.items) || !value.items.every(isJob)) return undefined;
  if (value.metadata !== undefined && !(isDict(value.metadata) && (value.metadata.continue === undefined || typeof value.metadata.continue === 'string'))) return undefined;
  return value as VolcanoJobList;
}

/** A page of jobs as the sweep reads it: how many were handed to `visit`, and the server's continue token. */
export interface JobPageScan {
  jobs: number;
  continue: string | undefined;
  /** The answer's size in bytes (the sweep sizes its next page by it). */
  bytes: number;
}

/**
 * A JobList answer read one job at a time: each job is parsed, checked as `parseJobList` checks it
 * and handed to `visit`, and nothing of it is kept here, so a page's jobs never exist all at once
 * (see core/json-split). Undefined exactly where `parseJobList` of the whole text is undefined
 * (one exception: a page over 1 MiB of a shape the scan leaves to a whole-text parse, such as the
 * field twice, is refused rather than parsed whole); then `visit` may have seen some of the page's
 * jobs, so what it gathers must be dropped with the page.
 */
export function scanJobList(bytes: Buffer, visit: (job: VolcanoJob) => void): JobPageScan | undefined {
  // An element that cannot be a Job (not an object, or shorter than the shortest Job's JSON)
  // refuses the page as parseJobList would, before the rest of it is scanned.
  const split = splitArrayField(bytes, 'items', (start, end) => bytes[start] === 0x7b && end - start >= SHORTEST_JOB.length);
  if (split === null) return undefined;
  if (!split) {
    // Odd shapes (the field twice, an escaped key) go to a parse of the whole text, for pages small
    // enough to parse whole in a 128 MB function; a larger odd page is refused.
    if (bytes.length > WHOLE_PARSE_MAX_BYTES) return undefined;
    const list = parseJobList(tryParseJson(bytes.toString('utf8')));
    if (!list) return undefined;
    for (const job of list.items) visit(job);
    return { jobs: list.items.length, continue: list.metadata?.continue, bytes: bytes.length };
  }
  const envelope = parseJobList(tryParseJson(split.envelope));
  if (!envelope) return undefined;
  const at = split.elements;
  for (let k = 0; k < at.length; k += 3) {
    const job = tryParseJson(bytes.toString('utf8', at[k], at[k + 1]));
    // The scan counted the job's nesting: the same rule as nestedDeeperThan, without walking the job.
    if (!isJobShape(job) || at[k + 2]! > MAX_ANSWER_DEPTH) return undefined;
    visit(job);
  }
  return { jobs: at.length / 3, continue: envelope.metadata?.continue, bytes: bytes.length };
}

/** No Job is written shorter than this (its three required fields, empty). */
const SHORTEST_JOB = '{"apiVersion":"","kind":"Job","metadata":{"name":""}}';
/** Above this, an odd-shaped page is refused rather than parsed whole. */
const WHOLE_PARSE_MAX_BYTES = 1024 * 1024;

export const jobState = (job: VolcanoJob): JsonObject | undefined => dict(field(job.status, 'state'));
export const jobPhase = (job: VolcanoJob): string | undefined => text(field(jobState(job), 'phase'));

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
  /** `replicas` null when CCI holds something that is not a count there (0 when absent, as Volcano omits 0). */
  tasks: Array<{ name: string | undefined; replicas: number | null }>;
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
  const m = job.metadata;
  const n = (k: string) => count(field(job.status, k)) ?? 0;
  const summary: JobSummary = {
    namespace: text(m.namespace),
    name: m.name,
    uid: text(m.uid),
    resourceVersion: text(m.resourceVersion),
    phase: jobPhase(job),
    minAvailable: count(field(job.spec, 'minAvailable')),
    pending: n('pending'),
    running: n('running'),
    succeeded: n('succeeded') || n('Succeeded'),
    failed: n('failed'),
    tasks: tasksOf(job).map((t) => ({ name: text(t.name), replicas: t.replicas === undefined ? 0 : (count(t.replicas) ?? null) })),
    labels: stringMap(m.labels),
    queue: text(field(job.spec, 'queue')),
  };
  const state = jobState(job);
  for (const k of STATE_FIELDS) {
    const v = text(field(state, k));
    if (v !== undefined) summary[k] = v;
  }
  return summary;
}
