/**
 * Desired state against what FunctionGraph reports: what to create, what to update, what to leave
 * alone. Pure, so that "a second run with nothing changed changes nothing" is decided in one
 * place, field by field, and a dry run prints exactly what a real run would do.
 */
import type { DesiredFunction, DesiredTrigger } from './desired-state';
import type { DeployedFunction, DeployedTrigger } from './functiongraph-api';
import { markerMatches, splitSecretsMarker } from './secrets-marker';

export interface TriggerStep {
  desired: DesiredTrigger;
  /** `replace`: a trigger of this identity exists with other settings (the API cannot edit them). */
  action: 'create' | 'replace' | 'unchanged';
  existing?: DeployedTrigger;
  /** Why it is replaced. */
  changes: string[];
}

export interface FunctionStep {
  desired: DesiredFunction;
  current?: DeployedFunction;
  action: 'create' | 'update' | 'unchanged';
  codeChanged: boolean;
  /** API field names whose values differ (`memory_size`, `user_data`, ...). */
  configChanges: string[];
  triggers: TriggerStep[];
}

function sameVariables(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

function configChanges(d: DesiredFunction, c: DeployedFunction): string[] {
  const out: string[] = [];
  if (c.runtime !== d.runtime) out.push('runtime');
  if (c.handler !== d.handler) out.push('handler');
  if (c.memorySize !== d.memorySize) out.push('memory_size');
  if (c.timeout !== d.timeout) out.push('timeout');
  const deployed = splitSecretsMarker(c.description);
  if (deployed.text !== (d.description ?? '')) out.push('description');
  if (!sameVariables(c.userData, d.userData)) out.push('user_data');
  // Encrypted variables are compared through the fingerprint the deploy keeps in the description.
  if (!markerMatches(deployed.marker, d.encryptedUserData)) out.push('encrypted_user_data');
  // Without --xrole the deploy leaves the function's agency as it is.
  if (d.xrole !== undefined && c.xrole !== d.xrole) out.push('xrole');
  return out;
}

function s(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** Is `t` the deployed counterpart of `d` (same gateway route, same timer name, same topic)? */
function sameIdentity(d: DesiredTrigger, t: DeployedTrigger): boolean {
  if (t.type !== d.type) return false;
  const e = t.eventData;
  switch (d.type) {
    case 'APIG':
    case 'DEDICATEDGATEWAY':
      return s(e.group_id) === d.eventData.group_id && s(e.path) === d.eventData.path && s(e.req_method).toUpperCase() === d.eventData.req_method;
    case 'TIMER':
      return s(e.name) === d.eventData.name;
    case 'KAFKA':
      return s(e.instance_id) === d.eventData.instance_id && Array.isArray(e.topic_ids) && e.topic_ids.includes(d.eventData.topic_ids[0]);
  }
}

function triggerChanges(d: DesiredTrigger, t: DeployedTrigger): string[] {
  const e = t.eventData;
  const out: string[] = [];
  switch (d.type) {
    case 'APIG':
    case 'DEDICATEDGATEWAY':
      if (e.auth !== undefined && s(e.auth).toUpperCase() !== d.eventData.auth) out.push('auth');
      break;
    case 'TIMER':
      if (s(e.schedule_type) !== d.eventData.schedule_type) out.push('schedule_type');
      if (s(e.schedule) !== d.eventData.schedule) out.push('schedule');
      if (s(e.user_event) !== d.eventData.user_event) out.push('user_event');
      break;
    case 'KAFKA':
      if (e.batch_size !== undefined && Number(e.batch_size) !== d.eventData.batch_size) out.push('batch_size');
      break;
  }
  return out;
}

export function planTriggers(desired: DesiredTrigger[], deployed: DeployedTrigger[]): TriggerStep[] {
  const taken = new Set<string>();
  return desired.map((d) => {
    const existing = deployed.find((t) => !taken.has(t.id) && sameIdentity(d, t));
    if (!existing) return { desired: d, action: 'create', changes: [] };
    taken.add(existing.id);
    const changes = triggerChanges(d, existing);
    return { desired: d, action: changes.length > 0 ? 'replace' : 'unchanged', existing, changes };
  });
}

export function planFunction(desired: DesiredFunction, current: DeployedFunction | undefined, deployedTriggers: DeployedTrigger[]): FunctionStep {
  if (!current) {
    return { desired, action: 'create', codeChanged: true, configChanges: [], triggers: planTriggers(desired.triggers, []) };
  }
  const codeChanged = current.digest !== desired.digest;
  const changes = configChanges(desired, current);
  return {
    desired,
    current,
    action: codeChanged || changes.length > 0 ? 'update' : 'unchanged',
    codeChanged,
    configChanges: changes,
    triggers: planTriggers(desired.triggers, deployedTriggers),
  };
}
