/**
 * From a PATCH body to the upstream merge patch. Pure functions: the job patcher feeds them the
 * job it read and sends what they return.
 */
import { unprocessable } from '../core/errors';
import { count, field, tasksOf, text, type VolcanoJob } from '../job/model';
import type { PatchBody } from './schema';

type NullableMap = Record<string, string | null>;

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
  const tasks = tasksOf(job);
  // A Map, not the object: a task named `constructor` must not find Object.prototype's.
  const wanted = new Map(Object.entries(body.replicas ?? {}));
  const known = tasks.map((t) => text(t.name));
  const unknown = [...wanted.keys()].filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw unprocessable(
      'unknown-task',
      `Job "${job.metadata.name}" has no task named ${unknown.map((n) => `"${n}"`).join(', ')}; its tasks are: ${known.map((n) => `"${n}"`).join(', ') || '(none)'}`,
      unknown.map((n) => ({ path: `/replicas/${n}`, message: `unknown task; known tasks: ${known.join(', ')}` })),
    );
  }

  let tasksChanged = false;
  // Tasks (and fields) this body does not name go back exactly as read, odd values included.
  const listed = field(job.spec, 'tasks');
  const newTasks = (Array.isArray(listed) ? listed : []).map((task: unknown) => {
    const name = text(field(task, 'name'));
    const target = name === undefined ? undefined : wanted.get(name);
    if (target === undefined || target === field(task, 'replicas')) return task;
    tasksChanged = true;
    const next = { ...(task as object), replicas: target };
    const min = count(field(task, 'minAvailable'));
    return min !== undefined && min > target ? { ...next, minAvailable: target } : next;
  });

  // Only counts add up: a task holding something else counts as none, and stays as it is.
  const total = newTasks.reduce((sum: number, t) => sum + (count(field(t, 'replicas')) ?? 0), 0);
  const currentMin = count(field(job.spec, 'minAvailable')) ?? 0;
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
  if (body.minAvailable !== undefined && body.minAvailable !== field(job.spec, 'minAvailable')) spec.minAvailable = body.minAvailable;
  return Object.keys(spec).length > 0 ? { spec } : {};
}

/** True when the job already carries every label and annotation change of the body. */
export function metadataAlreadyApplied(job: VolcanoJob, body: PatchBody): boolean {
  const same = (current: unknown, wanted: NullableMap | undefined) =>
    Object.entries(wanted ?? {}).every(([k, v]) => field(current, k) === (v ?? undefined));
  return same(job.metadata.labels, body.labels) && same(job.metadata.annotations, body.annotations);
}
