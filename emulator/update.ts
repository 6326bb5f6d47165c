/**
 * The update path of kube-apiserver for a Volcano Job, from the patched (or PUT) object to what is
 * stored, in the apiserver's order: the name and namespace must match the URL (400, patch.go checkName),
 * unknown fields are pruned (CRD structural schema), the resourceVersion precondition is checked
 * (storage: empty → 422, not a number → 500, stale → 409), BeforeUpdate refills uid / creationTimestamp /
 * generation and validates ObjectMeta and the schema (422), then Volcano's validating webhook runs (400).
 */
import { conflict, GROUP, HttpError, invalid, invalidJob, invalidValue, badRequest, RESOURCE, statusBody } from './k8s-status';
import { type FieldValidation, pruneAs, schemaErrors } from './schema';
import type { Job } from './types';
import { isPlainObject, validateObjectMetaUpdate } from './validation';
import { admitJobUpdate } from './volcano-webhook';

export interface UpdateContext {
  namespace: string;
  /** The name in the URL. */
  name: string;
  fieldValidation: FieldValidation;
  subresource?: 'status';
}

export interface PreparedUpdate {
  object: Record<string, unknown>;
  /** `Warning` texts (unknown fields under fieldValidation=Warn). */
  warnings: string[];
}

function goType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

/** The stored resourceVersion precondition (etcd3 store GuaranteedUpdate, AllowUnconditionalUpdate false). */
function checkResourceVersion(name: string, rv: unknown, current: string | undefined): void {
  if (rv !== undefined && rv !== null && typeof rv !== 'string') {
    throw badRequest(`json: cannot unmarshal ${goType(rv)} into Go struct field ObjectMeta.metadata.resourceVersion of type string`);
  }
  const text = typeof rv === 'string' ? rv : '';
  let n = 0n;
  if (text !== '') {
    if (!/^\d+$/.test(text)) {
      // A plain error, not a Status, inside storage: the apiserver answers 500 with an empty reason.
      throw new HttpError(500, JSON.stringify(statusBody(500, `strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`)) + '\n');
    }
    n = BigInt(text);
    if (n > 0xffffffffffffffffn) {
      throw new HttpError(500, JSON.stringify(statusBody(500, `strconv.ParseUint: parsing ${JSON.stringify(text)}: value out of range`)) + '\n');
    }
  }
  if (n === 0n) {
    throw invalid(RESOURCE, GROUP, name, [
      { type: 'FieldValueInvalid', field: 'metadata.resourceVersion', body: 'Invalid value: 0x0: must be specified for an update' },
    ]);
  }
  if (current === undefined || n !== BigInt(current)) throw conflict(name);
}

export function prepareUpdate(old: Job, patched: unknown, ctx: UpdateContext): PreparedUpdate {
  if (!isPlainObject(patched)) throw badRequest(`json: cannot unmarshal ${goType(patched)} into Go value of type map[string]interface {}`);
  const metaRaw = patched['metadata'] ?? {};
  if (!isPlainObject(metaRaw)) throw badRequest(`json: cannot unmarshal ${goType(metaRaw)} into Go struct field Object.metadata of type v1.ObjectMeta`);
  const meta = metaRaw;
  patched['metadata'] = meta;
  const objName = typeof meta['name'] === 'string' ? meta['name'] : '';
  if (objName !== ctx.name) throw badRequest(`the name of the object (${objName}) does not match the name on the URL (${ctx.name})`);
  const objNs = typeof meta['namespace'] === 'string' ? meta['namespace'] : '';
  if (objNs === '') meta['namespace'] = ctx.namespace;
  else if (objNs !== ctx.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');

  const warnings = pruneAs(patched, ctx.fieldValidation);
  checkResourceVersion(ctx.name, meta['resourceVersion'], old.metadata.resourceVersion);

  const oldCopy = JSON.parse(JSON.stringify(old)) as Record<string, unknown>;
  const oldMeta = oldCopy['metadata'] as Record<string, unknown>;
  if (ctx.subresource === 'status') {
    // The status subresource keeps everything but status from the stored object.
    const result = oldCopy;
    if (patched['status'] === undefined) delete result['status'];
    else result['status'] = patched['status'];
    if (result['status'] !== undefined && !isPlainObject(result['status'])) {
      throw invalidJob(ctx.name, [invalidValue('status', typeof result['status'], 'status in body must be of type object')]);
    }
    return { object: result, warnings };
  }

  // BeforeUpdate: status belongs to the subresource; uid refilled when empty; creationTimestamp,
  // generation, selfLink and managedFields are the stored ones.
  const result = patched;
  if (oldCopy['status'] === undefined) delete result['status'];
  else result['status'] = oldCopy['status'];
  if (meta['uid'] === undefined || meta['uid'] === null || meta['uid'] === '') meta['uid'] = oldMeta['uid'];
  for (const k of ['creationTimestamp', 'generation', 'selfLink', 'managedFields'] as const) {
    if (oldMeta[k] === undefined) delete meta[k];
    else meta[k] = oldMeta[k];
  }
  const errs = validateObjectMetaUpdate(oldMeta, meta);
  for (const k of ['apiVersion', 'kind'] as const) {
    if (result[k] !== oldCopy[k]) errs.push(invalidValue(k, result[k] ?? '', 'field is immutable'));
  }
  errs.push(...schemaErrors(result));
  if (errs.length) throw invalidJob(ctx.name, errs);
  admitJobUpdate(oldCopy, result);
  return { object: result, warnings };
}

/** The `Warning` header value for the given warnings (RFC 7234 warn-code 299, as the apiserver sends). */
export function warningHeader(warnings: string[]): Record<string, string> {
  if (warnings.length === 0) return {};
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}
