/**
 * From a PATCH body to the upstream merge patch. Pure functions: the job patcher feeds them the
 * job it read and sends what they return.
 */
import { unprocessable, type FieldIssue } from '../core/errors';
import { escapePointerToken } from '../core/pointer';
import { labelValueErrors, qualifiedNameErrors, TOTAL_ANNOTATION_SIZE_LIMIT } from '../job/names';
import type { PatchBody } from './schema';
import type { VolcanoJob } from '../job/model';

type NullableMap = Record<string, string | null>;

export function labelIssues(labels: NullableMap | undefined, base = '/labels'): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    const path = `${base}/${escapePointerToken(key)}`;
    for (const e of qualifiedNameErrors(key)) issues.push({ path, message: `invalid label key "${key}": ${e}` });
    if (value !== null) for (const e of labelValueErrors(value)) issues.push({ path, message: `invalid label value "${value}": ${e}` });
  }
  return issues;
}

export function annotationIssues(annotations: NullableMap | undefined, base = '/annotations'): FieldIssue[] {
  const issues: FieldIssue[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    const path = `${base}/${escapePointerToken(key)}`;
    // Kubernetes checks annotation keys lower-cased, as label keys.
    for (const e of qualifiedNameErrors(key.toLowerCase())) issues.push({ path, message: `invalid annotation key "${key}": ${e}` });
    if (value !== null) size += key.length + Buffer.byteLength(value);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
    issues.push({ path: base, message: `annotations may not total more than ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes (got ${size})` });
  }
  return issues;
}

/** Label and annotation rules, checked before anything is sent. */
export function assertValidMetadata(body: Pick<PatchBody, 'labels' | 'annotations'>): void {
  const issues = [...labelIssues(body.labels), ...annotationIssues(body.annotations)];
  if (issues.length > 0) throw unprocessable('invalid-metadata', 'Invalid label or annotation', issues);
}

export function metadataPatch(body: PatchBody): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (body.labels !== undefined) metadata.labels = body.labels;
  if (body.annotations !== undefined) metadata.annotations = body.annotations;
  return metadata;
}

export interface SpecPlan {
  /** The merge-patch `spec` (whole `tasks` array, since merge patch replaces arrays), or undefined if nothing changes. */
  spec?: Record<string, unknown>;
}

/**
 * Applies `replicas` and `minAvailable` to the job as read. Scaling a task below its own
 * minAvailable lowers that minAvailable with it (Volcano refuses minAvailable > replicas).
 */
export function planSpecChange(job: VolcanoJob, body: PatchBody): SpecPlan {
  const tasks = job.spec?.tasks ?? [];
  // A Map, not the object: a task named `constructor` must not find Object.prototype's.
  const wanted = new Map(Object.entries(body.replicas ?? {}));
  const known = tasks.map((t) => t.name);
  const unknown = [...wanted.keys()].filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw unprocessable(
      'unknown-task',
      `Job "${job.metadata.name}" has no task named ${unknown.map((n) => `"${n}"`).join(', ')}; its tasks are: ${known.map((n) => `"${n}"`).join(', ') || '(none)'}`,
      unknown.map((n) => ({ path: `/replicas/${n}`, message: `unknown task; known tasks: ${known.join(', ')}` })),
    );
  }

  let tasksChanged = false;
  const newTasks = tasks.map((task) => {
    const target = wanted.get(task.name);
    if (target === undefined || target === task.replicas) return task;
    tasksChanged = true;
    const next = { ...task, replicas: target };
    if (task.minAvailable !== undefined && task.minAvailable > target) next.minAvailable = target;
    return next;
  });

  const total = newTasks.reduce((sum, t) => sum + (t.replicas ?? 0), 0);
  const currentMin = job.spec?.minAvailable ?? 0;
  const effectiveMin = body.minAvailable ?? currentMin;
  if (effectiveMin > total) {
    const detail =
      body.minAvailable !== undefined
        ? `minAvailable ${body.minAvailable} exceeds the job's total replicas ${total}`
        : `total replicas ${total} would fall below the job's minAvailable ${currentMin}; include "minAvailable" in the body to lower it`;
    throw unprocessable('below-min-available', detail, [
      { path: body.minAvailable !== undefined ? '/minAvailable' : '/replicas', message: detail },
    ]);
  }

  const spec: Record<string, unknown> = {};
  if (tasksChanged) spec.tasks = newTasks;
  if (body.minAvailable !== undefined && body.minAvailable !== job.spec?.minAvailable) spec.minAvailable = body.minAvailable;
  return Object.keys(spec).length > 0 ? { spec } : {};
}

/** True when the job already carries every label and annotation change of the body. */
export function metadataAlreadyApplied(job: VolcanoJob, body: PatchBody): boolean {
  const own = (m: Record<string, string> | undefined, k: string) => (m !== undefined && Object.hasOwn(m, k) ? m[k] : undefined);
  const same = (current: Record<string, string> | undefined, wanted: NullableMap | undefined) =>
    Object.entries(wanted ?? {}).every(([k, v]) => (v === null ? own(current, k) === undefined : own(current, k) === v));
  return same(job.metadata.labels, body.labels) && same(job.metadata.annotations, body.annotations);
}
