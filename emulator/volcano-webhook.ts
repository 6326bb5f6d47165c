/**
 * Volcano's validating admission webhook for job updates (volcano-sh/volcano
 * pkg/webhooks/admission/jobs/validate/admit_job.go validateJobUpdate). A denial reaches the client
 * as kube-apiserver's webhook error: HTTP 400, a Status with only a message
 * (`admission webhook "validatejob.volcano.sh" denied the request: ...`) and no reason or details,
 * on dryRun too.
 */
import { HttpError, statusBody } from './k8s-status';
import { isJsonObject as isObj } from '../lib/core/json';

export const WEBHOOK_NAME = 'validatejob.volcano.sh';

type Obj = Record<string, unknown>;

export function webhookDenial(message: string): HttpError {
  return new HttpError(400, JSON.stringify(statusBody(400, `admission webhook "${WEBHOOK_NAME}" denied the request: ${message}`)) + '\n');
}

/** Go's reflect/Semantic DeepEqual over decoded JSON (absent and null fields are the zero value). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!sameJson(a[k] ?? null, b[k] ?? null)) return false;
    return true;
  }
  return false;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Throws the webhook's denial when Volcano would refuse updating `oldJob` to `newJob`. */
export function admitJobUpdate(oldJob: Obj, newJob: Obj): void {
  const oldSpec = isObj(oldJob['spec']) ? oldJob['spec'] : {};
  const newSpec = isObj(newJob['spec']) ? newJob['spec'] : {};
  const newTasks = (Array.isArray(newSpec['tasks']) ? newSpec['tasks'] : []).filter(isObj);
  const oldTasks = (Array.isArray(oldSpec['tasks']) ? oldSpec['tasks'] : []).filter(isObj);
  let total = 0;
  for (const t of newTasks) {
    const name = typeof t['name'] === 'string' ? t['name'] : '';
    const replicas = num(t['replicas']);
    if (replicas < 0) throw webhookDenial(`'replicas' must be >= 0 in task: ${name}`);
    const min = t['minAvailable'];
    if (typeof min === 'number') {
      if (min < 0) throw webhookDenial(`'minAvailable' must be >= 0 in task: ${name}`);
      if (min > replicas) throw webhookDenial(`'minAvailable' must be <= 'replicas' in task: ${name}`);
    }
    total += replicas;
  }
  const jobMin = num(newSpec['minAvailable']);
  if (jobMin > total) throw webhookDenial("job 'minAvailable' must not be greater than total replicas");
  if (jobMin < 0) throw webhookDenial("job 'minAvailable' must be >= 0");
  if (oldTasks.length !== newTasks.length) throw webhookDenial('job updates may not add or remove tasks');
  // Everything else under spec must stay as it was.
  const masked = (spec: Obj, tasks: Obj[]): Obj => ({
    ...spec,
    minAvailable: null,
    priorityClassName: null,
    tasks: tasks.map((t) => ({ ...t, replicas: null, minAvailable: null })),
  });
  if (!sameJson(masked(newSpec, newTasks), masked(oldSpec, oldTasks))) {
    throw webhookDenial('job updates may not change fields other than `minAvailable`, `tasks[*].replicas under spec` and `PriorityClassName`');
  }
}
