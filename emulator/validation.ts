/**
 * apimachinery label/annotation/name/ObjectMeta validation, and the rules the emulator applies to a
 * job being created (the create path stays 422-only: Volcano's create-time admission is not imitated).
 */
import { type FieldError, invalidValue, required, tooLong, typeError } from './k8s-status';
import { isJsonObject as isPlainObject } from '../lib/core/json';

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE_FMT = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

function regexError(msg: string, fmt: string, examples: string[]): string {
  let s = msg + ' (';
  if (examples.length > 0) {
    s += 'e.g. ' + examples.map((e) => `'${e}'`).join(',  or ') + ', ';
  }
  return s + `regex used for validation is '${fmt}')`;
}

const QUALIFIED_NAME_ERR = regexError(
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  QUALIFIED_NAME_FMT,
  ['MyName', 'my.name', '123-abc'],
);

export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** `IsDNS1123Subdomain`: list of messages, empty when valid. */
export function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push('must be no more than 253 bytes');
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FMT,
        ['example.com'],
      ),
    );
  }
  return errs;
}

/** `IsDNS1123Label`. */
export function dns1123LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push('must be no more than 63 bytes');
  if (!DNS1123_LABEL_RE.test(value)) {
    if (DNS1123_SUBDOMAIN_RE.test(value)) errs.push('must not contain dots');
    else
      errs.push(
        regexError(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          DNS1123_LABEL_FMT,
          ['my-name', '123-abc'],
        ),
      );
  }
  return errs;
}

/** `IsQualifiedName` / `IsLabelKey`: list of messages, empty when valid. */
export function labelKeyErrors(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const m of dns1123SubdomainErrors(prefix)) errs.push('prefix part ' + m);
  } else {
    return ['a valid label key ' + QUALIFIED_NAME_ERR + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (byteLength(name) > 63) errs.push('name part must be no more than 63 bytes');
  if (name.length > 0 && !QUALIFIED_NAME_RE.test(name)) errs.push('name part ' + QUALIFIED_NAME_ERR);
  return errs;
}

export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push('must be no more than 63 bytes');
  if (!LABEL_VALUE_RE.test(value)) {
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        ['MyValue', 'my_value', '12345'],
      ),
    );
  }
  return errs;
}

export function validateLabels(labels: unknown, field = 'metadata.labels'): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (!isPlainObject(labels)) return [typeError(field, labels, 'object')];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const m of labelKeyErrors(k)) errs.push(invalidValue(field, k, m));
    if (typeof v !== 'string') {
      errs.push(typeError(`${field}.${k}`, v, 'string'));
      continue;
    }
    for (const m of labelValueErrors(v)) errs.push(invalidValue(field, v, m));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, field = 'metadata.annotations'): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  if (!isPlainObject(annotations)) return [typeError(field, annotations, 'object')];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of labelKeyErrors(k.toLowerCase())) errs.push(invalidValue(field, k, m));
    if (typeof v !== 'string') {
      errs.push(typeError(`${field}.${k}`, v, 'string'));
      continue;
    }
    total += byteLength(k) + byteLength(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

export function validateGenerateName(v: unknown): FieldError[] {
  if (v === undefined || v === null || v === '') return [];
  if (typeof v !== 'string') return [typeError('metadata.generateName', v, 'string')];
  const errs: FieldError[] = [];
  if (v.includes('/')) errs.push(invalidValue('metadata.generateName', v, "may not contain '/'"));
  if (v.includes('%')) errs.push(invalidValue('metadata.generateName', v, "may not contain '%'"));
  return errs;
}

/** apimachinery ValidateOwnerReferences (paths are not indexed, as in apimachinery). */
export function validateOwnerReferences(v: unknown): FieldError[] {
  const f = 'metadata.ownerReferences';
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return [typeError(f, v, 'array')];
  const errs: FieldError[] = [];
  let controllers = 0;
  for (const ref of v) {
    if (!isPlainObject(ref)) {
      errs.push(typeError(f, ref, 'object'));
      continue;
    }
    const str = (k: string): string => (typeof ref[k] === 'string' ? (ref[k] as string) : '');
    const apiVersion = str('apiVersion');
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (version === '') errs.push(invalidValue(`${f}.apiVersion`, apiVersion, 'version must not be empty'));
    if (str('kind') === '') errs.push(invalidValue(`${f}.kind`, str('kind'), 'kind must not be empty'));
    if (str('name') === '') errs.push(invalidValue(`${f}.name`, str('name'), 'name must not be empty'));
    if (str('uid') === '') errs.push(invalidValue(`${f}.uid`, str('uid'), 'uid must not be empty'));
    if (ref['controller'] === true) controllers++;
  }
  if (controllers > 1) errs.push(invalidValue(f, 'ownerReferences', 'Only one reference can have Controller set to true'));
  return errs;
}

/** apimachinery ValidateFinalizers: each a qualified name, no duplicates. */
export function validateFinalizers(v: unknown): FieldError[] {
  const f = 'metadata.finalizers';
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return [typeError(f, v, 'array')];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const fin of v) {
    if (typeof fin !== 'string') {
      errs.push(typeError(f, fin, 'string'));
      continue;
    }
    for (const m of labelKeyErrors(fin)) errs.push(invalidValue(f, fin, m));
    if (seen.has(fin)) errs.push({ type: 'FieldValueDuplicate', field: f, body: `Duplicate value: ${JSON.stringify(fin)}` });
    seen.add(fin);
  }
  return errs;
}

/**
 * ObjectMeta rules on update (apimachinery ValidateObjectMetaUpdate + ValidateObjectMeta), after
 * BeforeUpdate refilled uid / creationTimestamp / generation: immutables, labels, annotations,
 * generateName, owner references, finalizers.
 */
export function validateObjectMetaUpdate(oldMeta: Record<string, unknown>, newMeta: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  if (newMeta['uid'] !== oldMeta['uid']) errs.push(invalidValue('metadata.uid', newMeta['uid'] ?? '', 'field is immutable'));
  for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
    if (!deepEqual(newMeta[k] ?? null, oldMeta[k] ?? null)) errs.push(invalidValue(`metadata.${k}`, newMeta[k] ?? 'null', 'field is immutable'));
  }
  errs.push(...validateGenerateName(newMeta['generateName']));
  errs.push(...validateLabels(newMeta['labels']));
  errs.push(...validateAnnotations(newMeta['annotations']));
  errs.push(...validateOwnerReferences(newMeta['ownerReferences']));
  errs.push(...validateFinalizers(newMeta['finalizers']));
  return errs;
}

/** Integer checks for the fields whose values the job rules compare (CRD schema). */
function intField(field: string, v: unknown, errs: FieldError[]): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    errs.push(typeError(field, v, 'integer'));
    return undefined;
  }
  return v;
}

interface TaskNumbers {
  name: string;
  replicas: number;
  minAvailable: number | undefined;
}

/** Schema + Volcano webhook rules on tasks and minAvailable; shared by create and update. */
function validateSpecNumbers(spec: Record<string, unknown>, errs: FieldError[]): TaskNumbers[] | undefined {
  const tasks = spec['tasks'];
  if (!Array.isArray(tasks)) {
    errs.push(tasks === undefined ? required('spec.tasks') : typeError('spec.tasks', tasks, 'array'));
    return undefined;
  }
  const out: TaskNumbers[] = [];
  const before = errs.length;
  tasks.forEach((t, i) => {
    const f = `spec.tasks[${i}]`;
    if (!isPlainObject(t)) {
      errs.push(typeError(f, t, 'object'));
      return;
    }
    const name = typeof t['name'] === 'string' ? t['name'] : '';
    const replicas = intField(`${f}.replicas`, t['replicas'], errs);
    const minAvailable = intField(`${f}.minAvailable`, t['minAvailable'], errs);
    if (t['template'] !== undefined && t['template'] !== null && !isPlainObject(t['template'])) {
      errs.push(typeError(`${f}.template`, t['template'], 'object'));
    }
    out.push({ name, replicas: replicas ?? 0, minAvailable });
  });
  const jobMin = intField('spec.minAvailable', spec['minAvailable'], errs);
  if (spec['priorityClassName'] !== undefined && spec['priorityClassName'] !== null && typeof spec['priorityClassName'] !== 'string') {
    errs.push(typeError('spec.priorityClassName', spec['priorityClassName'], 'string'));
  }
  if (errs.length > before) return out;
  // Volcano validateJobUpdate order.
  let total = 0;
  out.forEach((t, i) => {
    if (t.replicas < 0) errs.push(invalidValue(`spec.tasks[${i}].replicas`, t.replicas, `'replicas' must be >= 0 in task: ${t.name}`));
    total += t.replicas;
  });
  out.forEach((t, i) => {
    if (t.minAvailable === undefined) return;
    if (t.minAvailable < 0)
      errs.push(invalidValue(`spec.tasks[${i}].minAvailable`, t.minAvailable, `'minAvailable' must be >= 0 in task: ${t.name}`));
    else if (t.minAvailable > t.replicas)
      errs.push(invalidValue(`spec.tasks[${i}].minAvailable`, t.minAvailable, `'minAvailable' must be <= 'replicas' in task: ${t.name}`));
  });
  if (jobMin !== undefined) {
    if (jobMin > total) errs.push(invalidValue('spec.minAvailable', jobMin, "job 'minAvailable' must not be greater than total replicas"));
    if (jobMin < 0) errs.push(invalidValue('spec.minAvailable', jobMin, "job 'minAvailable' must be >= 0"));
  }
  return out;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

/** Name and spec validation of a job being created (apiserver + Volcano's validating webhook). */
export function validateJobCreate(job: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const meta = job['metadata'] as Record<string, unknown>;
  const name = meta['name'];
  if (typeof name !== 'string' || name === '') {
    errs.push(required('metadata.name', 'name or generateName is required'));
  } else {
    for (const m of dns1123SubdomainErrors(name)) errs.push(invalidValue('metadata.name', name, m));
    if (errs.length === 0 && (byteLength(name) > 63 || !QUALIFIED_NAME_RE.test(name)))
      errs.push(invalidValue('metadata.name', name, 'job name must be a valid qualified name'));
  }
  errs.push(...validateLabels(meta['labels']));
  errs.push(...validateAnnotations(meta['annotations']));
  errs.push(...validateGenerateName(meta['generateName']));
  const spec = job['spec'];
  if (!isPlainObject(spec)) {
    errs.push(spec === undefined ? required('spec') : typeError('spec', spec, 'object'));
    return errs;
  }
  const tasks = spec['tasks'];
  if (Array.isArray(tasks) && tasks.length === 0) errs.push(invalidValue('spec.tasks', tasks, 'No task specified in job spec'));
  const seen = new Set<string>();
  if (Array.isArray(tasks)) {
    tasks.forEach((t, i) => {
      if (!isPlainObject(t)) return;
      const tn = t['name'];
      if (typeof tn !== 'string' || tn === '') {
        errs.push(required(`spec.tasks[${i}].name`));
        return;
      }
      for (const m of dns1123LabelErrors(tn)) errs.push(invalidValue(`spec.tasks[${i}].name`, tn, m));
      if (seen.has(tn)) errs.push(invalidValue(`spec.tasks[${i}].name`, tn, `duplicated task name ${tn}`));
      seen.add(tn);
    });
  }
  validateSpecNumbers(spec, errs);
  return errs;
}

export { isPlainObject, deepEqual };
