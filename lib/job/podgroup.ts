/**
 * The PodGroup of a Volcano Job (`scheduling.volcano.sh/v1beta1`): the object on which Volcano's
 * scheduler says why a gang waits (the gang plugin's `Unschedulable` condition, e.g. reason
 * `NotEnoughResources`, "3/3 tasks in gang unschedulable: …"). Volcano ≥ 1.6 names it
 * `<job>-<uid>`, older versions the job's own name. Only read for stuck jobs, by the sweep; the
 * answer is checked shallowly (an object), since nothing but these three strings is used.
 */
import { isJsonObject } from '../core/json';

export const PODGROUP_API = 'scheduling.volcano.sh/v1beta1';

export interface PodGroupCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  [field: string]: unknown;
}

export interface PodGroup {
  metadata?: { name?: string; [field: string]: unknown };
  status?: { phase?: string; conditions?: PodGroupCondition[]; [field: string]: unknown };
  [field: string]: unknown;
}

/** What a stuck entry says about its PodGroup. */
export interface PodGroupInsight {
  phase?: string;
  reason?: string;
  message?: string;
}

export function parsePodGroup(value: unknown): PodGroup | undefined {
  if (!isJsonObject(value) || (value.kind !== undefined && value.kind !== 'PodGroup')) return undefined;
  return value as PodGroup;
}

/** The names to try, in order: `<job>-<uid>` (Volcano ≥ 1.6), then the job's name. */
export function podGroupNames(jobName: string, uid: string | undefined): string[] {
  return uid ? [`${jobName}-${uid}`, jobName] : [jobName];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The phase, and reason and message of the latest `Unschedulable` condition (later entries win ties). */
export function podGroupInsight(pg: PodGroup): PodGroupInsight {
  const out: PodGroupInsight = {};
  const status = isJsonObject(pg.status) ? pg.status : {};
  const phase = str(status.phase);
  if (phase) out.phase = phase;
  let latest: PodGroupCondition | undefined;
  let latestAt = Number.NEGATIVE_INFINITY;
  for (const c of Array.isArray(status.conditions) ? status.conditions : []) {
    if (!isJsonObject(c) || c.type !== 'Unschedulable' || c.status === 'False') continue;
    const at = Date.parse(str(c.lastTransitionTime) ?? '');
    const t = Number.isFinite(at) ? at : Number.NEGATIVE_INFINITY;
    if (!latest || t >= latestAt) {
      latest = c;
      latestAt = t;
    }
  }
  const reason = str(latest?.reason);
  const message = str(latest?.message);
  if (reason) out.reason = reason;
  if (message) out.message = message;
  return out;
}
