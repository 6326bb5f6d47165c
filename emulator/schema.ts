/**
 * What the Volcano Job CRD's structural schema does to an object before it is stored
 * (apiextensions-apiserver): unknown fields are pruned (fieldValidation Ignore / Warn / Strict
 * decides whether the client hears of it), and types, `minimum: 0` and `minItems: 1` are enforced with
 * 422 field errors. Fields inside a task's pod template are not pruned here (see emulator/README.md).
 */
import { badRequest, type FieldError, invalidValue, notSupported, typeError } from './k8s-status';
import { isJsonObject as isObj } from '../lib/core/json';

const TOP = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
const OBJECT_META = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);
const SPEC = new Set([
  'maxRetry',
  'minAvailable',
  'minSuccess',
  'networkTopology',
  'plugins',
  'policies',
  'priorityClassName',
  'queue',
  'runningEstimate',
  'schedulerName',
  'tasks',
  'ttlSecondsAfterFinished',
  'volumes',
]);
const TASK = new Set(['dependsOn', 'maxRetry', 'minAvailable', 'name', 'partitionPolicy', 'policies', 'replicas', 'template', 'topologyPolicy']);
const STATUS = new Set([
  'conditions',
  'controlledResources',
  'failed',
  'minAvailable',
  'pending',
  'retryCount',
  'running',
  'runningDuration',
  'state',
  'succeeded',
  'taskStatusCount',
  'terminating',
  'unknown',
  'version',
]);

function pruneKeys(obj: Record<string, unknown>, known: ReadonlySet<string>, prefix: string, removed: string[]): void {
  for (const k of Object.keys(obj)) {
    if (!known.has(k)) {
      removed.push(prefix + k);
      delete obj[k];
    } else if (obj[k] === null && prefix !== '') {
      // v1 CRDs drop null values of non-nullable fields before validation.
      delete obj[k];
    }
  }
}

/** Prunes unknown fields in place; returns their paths (`.spec.foo`, as the apiserver's warnings name them). */
export function pruneUnknownFields(job: Record<string, unknown>): string[] {
  const removed: string[] = [];
  pruneKeys(job, TOP, '', removed);
  const top = removed.map((k) => `.${k}`);
  removed.length = 0;
  if (isObj(job['metadata'])) pruneKeys(job['metadata'], OBJECT_META, '.metadata.', removed);
  if (isObj(job['spec'])) {
    const spec = job['spec'];
    pruneKeys(spec, SPEC, '.spec.', removed);
    if (Array.isArray(spec['tasks'])) {
      spec['tasks'].forEach((t, i) => {
        if (isObj(t)) pruneKeys(t, TASK, `.spec.tasks[${i}].`, removed);
      });
    }
  }
  if (isObj(job['status'])) pruneKeys(job['status'], STATUS, '.status.', removed);
  return [...top, ...removed];
}

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/** `fieldValidation` query value; unset is Warn (the server default since 1.27). */
export function fieldValidationOf(query: URLSearchParams): FieldValidation | FieldError {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Ignore' || v === 'Warn' || v === 'Strict') return v;
  return notSupported('fieldValidation', v, ['', 'Ignore', 'Strict', 'Warn']);
}

/**
 * Prunes and reports as `fieldValidation` asks: warnings (Warn), nothing (Ignore), or the 400 the
 * strict decoder gives (Strict).
 */
export function pruneAs(job: Record<string, unknown>, mode: FieldValidation): string[] {
  const removed = pruneUnknownFields(job);
  if (removed.length === 0 || mode === 'Ignore') return [];
  const notes = removed.map((p) => `unknown field "${p.slice(1)}"`);
  if (mode === 'Strict') throw badRequest(`strict decoding error: ${notes.join(', ')}`);
  return notes;
}

function intAtLeastZero(field: string, v: unknown, errs: FieldError[]): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v)) errs.push(typeError(field, v, 'integer'));
  else if (v < 0) errs.push(invalidValue(field, v, `${field} in body should be greater than or equal to 0`));
}

/** The CRD schema checks on the fields jobs are patched through (422 field errors). */
export function schemaErrors(job: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const spec = job['spec'];
  if (spec === undefined) return errs;
  if (!isObj(spec)) return [typeError('spec', spec, 'object')];
  intAtLeastZero('spec.minAvailable', spec['minAvailable'], errs);
  intAtLeastZero('spec.maxRetry', spec['maxRetry'], errs);
  for (const k of ['queue', 'schedulerName', 'priorityClassName'] as const) {
    if (spec[k] !== undefined && typeof spec[k] !== 'string') errs.push(typeError(`spec.${k}`, spec[k], 'string'));
  }
  const tasks = spec['tasks'];
  if (tasks === undefined) return errs;
  if (!Array.isArray(tasks)) return [...errs, typeError('spec.tasks', tasks, 'array')];
  if (tasks.length < 1) errs.push(invalidValue('spec.tasks', tasks.length, 'spec.tasks in body should have at least 1 items'));
  tasks.forEach((t, i) => {
    const f = `spec.tasks[${i}]`;
    if (!isObj(t)) {
      errs.push(typeError(f, t, 'object'));
      return;
    }
    intAtLeastZero(`${f}.replicas`, t['replicas'], errs);
    intAtLeastZero(`${f}.minAvailable`, t['minAvailable'], errs);
    if (t['name'] !== undefined && typeof t['name'] !== 'string') errs.push(typeError(`${f}.name`, t['name'], 'string'));
    if (t['template'] !== undefined && !isObj(t['template'])) errs.push(typeError(`${f}.template`, t['template'], 'object'));
  });
  return errs;
}
