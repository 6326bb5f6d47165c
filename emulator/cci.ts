/**
 * Emulated CCI Volcano Job API (`/apis/batch.volcano.sh/v1alpha1/namespaces/{ns}/jobs...`) over a JobStore.
 */
import { randomUUID } from 'node:crypto';
import {
  alreadyExists,
  API_VERSION,
  badRequest,
  type FieldError,
  forbidden,
  HttpError,
  invalid,
  invalidJob,
  invalidOptions,
  invalidValue,
  KIND,
  notFound,
  notSupported,
  required,
  statusError,
  tooLong,
} from './k8s-status';
import { applyPatch, CR_PATCH_TYPES, parsePatchBody, type PatchType, patchTypeOf } from './patch';
import { type FieldValidation, fieldValidationOf } from './schema';
import { prepareUpdate, warningHeader } from './update';
import { matches, parseFieldSelector, parseLabelSelector, SelectorError } from './selector';
import { canonical, type Entry, type JobStore, lowerBound } from './store';
import type { Job } from './types';
import { isPlainObject, validateJobCreate } from './validation';

export const JOBS_PREFIX = '/apis/batch.volcano.sh/v1alpha1/namespaces/';

export function selfLink(namespace: string, name?: string): string {
  return `${JOBS_PREFIX}${namespace}/jobs${name === undefined ? '' : '/' + name}`;
}

export function nowSeconds(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

function ok(status: number, json: string): Answer {
  return { status, body: json + '\n' };
}

const CONTINUE_VERSION = 'meta.k8s.io/v1';

export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: CONTINUE_VERSION, rv, start }), 'utf8').toString('base64url');
}

export function decodeContinue(token: string): { rv: number; start: string } {
  const bad = (why: string): HttpError => badRequest(`invalid continue token: continue key is not valid: ${why}`);
  // base64.RawURLEncoding: no padding, no standard-alphabet characters.
  const m = /[^A-Za-z0-9_-]/.exec(token);
  if (m) throw bad(`illegal base64 data at input byte ${m.index}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad('invalid character looking for beginning of value');
  }
  if (!isPlainObject(parsed)) throw bad('json: cannot unmarshal into Go value of type storage.continueToken');
  if (parsed['v'] !== CONTINUE_VERSION) throw bad(`server does not recognize this encoded version ${JSON.stringify(String(parsed['v'] ?? ''))}`);
  const rv = parsed['rv'];
  const start = parsed['start'];
  if (typeof rv !== 'number' || !Number.isInteger(rv) || rv === 0) throw bad(`incorrect encoded start resourceVersion (version ${CONTINUE_VERSION})`);
  if (typeof start !== 'string' || start.length === 0) throw bad(`encoded start key empty (version ${CONTINUE_VERSION})`);
  if (start.includes('/') || start.includes('..')) throw bad(`continue key is not valid: ${start}`);
  return { rv, start };
}

const EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** ValidateFieldManager, ValidateDryRun, ValidateFieldValidation, in apimachinery's order. */
function optionErrors(query: URLSearchParams): FieldError[] {
  const errs: FieldError[] = [];
  const fm = query.get('fieldManager');
  if (fm !== null) {
    if (Buffer.byteLength(fm, 'utf8') > 128) errs.push(tooLong('fieldManager', 128));
    let pos = 0;
    for (const ch of fm) {
      if (!PRINTABLE.test(ch)) {
        const cp = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
        errs.push(invalidValue('fieldManager', fm, `invalid character U+${cp} (at position ${pos})`));
        break;
      }
      pos++;
    }
  }
  const dry = query.getAll('dryRun');
  if (dry.some((d) => d !== 'All')) errs.push(notSupported('dryRun', dry, ['All']));
  const fv = fieldValidationOf(query);
  if (typeof fv !== 'string') errs.push(fv);
  return errs;
}

interface WriteOptions {
  dryRun: boolean;
  fieldValidation: FieldValidation;
}

function writeOptions(query: URLSearchParams): WriteOptions {
  const fv = fieldValidationOf(query);
  return { dryRun: query.getAll('dryRun').length > 0, fieldValidation: typeof fv === 'string' ? fv : 'Warn' };
}

/** ValidatePatchOptions: `force` only for apply, which needs a fieldManager. */
function checkPatchOptions(query: URLSearchParams, type: PatchType): WriteOptions {
  const errs: FieldError[] = [];
  if (type !== 'apply') {
    if (query.has('force')) errs.push(forbidden('force', 'may not be specified for non-apply patch'));
  } else if (!query.get('fieldManager')) {
    errs.push(required('fieldManager', 'is required for apply patch'));
  }
  errs.push(...optionErrors(query));
  if (errs.length) throw invalidOptions('PatchOptions', errs);
  return writeOptions(query);
}

function checkCreateOptions(query: URLSearchParams): WriteOptions {
  const errs = optionErrors(query);
  if (errs.length) throw invalidOptions('CreateOptions', errs);
  return writeOptions(query);
}

function checkUpdateOptions(query: URLSearchParams): WriteOptions {
  const errs = optionErrors(query);
  if (errs.length) throw invalidOptions('UpdateOptions', errs);
  return writeOptions(query);
}

/** apimachinery ValidateListOptions (resourceVersionMatch rules): 422 ListOptions. */
function checkListOptions(query: URLSearchParams): void {
  const match = query.get('resourceVersionMatch') ?? '';
  if (match === '') return;
  const rv = query.get('resourceVersion') ?? '';
  const errs: FieldError[] = [];
  if (rv === '') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
  if (query.get('continue')) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
  if (match === 'Exact' && rv === '0') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  if (errs.length) throw invalid('ListOptions', 'meta.k8s.io', '', errs);
}

const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += GENERATE_CHARS[Math.floor(Math.random() * GENERATE_CHARS.length)];
  return s;
}

export class CciService {
  /** Continue tokens whose rv is below this answer 410. */
  continueMinRv = 0;

  constructor(private readonly store: JobStore) {}

  get(namespace: string, name: string): Answer {
    const e = this.store.get(namespace, name);
    if (!e) throw notFound(name);
    return ok(200, e.json);
  }

  list(namespace: string, query: URLSearchParams): Answer {
    const ls = query.get('labelSelector');
    const fs = query.get('fieldSelector');
    let reqs;
    let freqs;
    try {
      reqs = ls ? parseLabelSelector(ls) : [];
      freqs = fs ? parseFieldSelector(fs) : [];
    } catch (e) {
      if (e instanceof SelectorError) throw badRequest(e.message);
      throw e;
    }
    if (query.get('watch') === 'true' || query.get('watch') === '1') throw badRequest('watch is not supported by the CCI emulator');
    checkListOptions(query);
    let limit = 0;
    const limitRaw = query.get('limit');
    if (limitRaw !== null && limitRaw !== '') {
      if (!/^-?\d+$/.test(limitRaw)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(limitRaw)}: invalid syntax`);
      limit = Math.max(0, Number(limitRaw));
    }
    let start: string | undefined;
    let listRv = this.store.rv;
    const cont = query.get('continue');
    const rvParam = query.get('resourceVersion') ?? '';
    if (cont && rvParam !== '' && rvParam !== '0') throw badRequest('specifying resource version is not allowed when using continue');
    if (cont) {
      const t = decodeContinue(cont);
      if (t.rv > 0 && t.rv < this.continueMinRv) {
        throw statusError(410, EXPIRED_MESSAGE, 'Expired', undefined, { metadata: { continue: encodeContinue(-1, t.start) } });
      }
      start = t.start;
      if (t.rv > 0) listRv = t.rv;
    }
    const names = this.store.sortedNames(namespace);
    const ns = this.store.ns(namespace);
    const items: string[] = [];
    let i = start === undefined ? 0 : lowerBound(names, start);
    let lastName: string | undefined;
    let more = false;
    const nsMismatch = freqs.some((f) => f.field === 'metadata.namespace' && (f.value === namespace) !== f.equal);
    if (ns && !nsMismatch) {
      for (; i < names.length; i++) {
        const name = names[i]!;
        if (limit > 0 && items.length >= limit) {
          more = true;
          break;
        }
        let pass = true;
        for (const f of freqs) if (f.field === 'metadata.name' && (name === f.value) !== f.equal) pass = false;
        const entry = ns.byName.get(name)!;
        if (pass && reqs.length > 0) pass = matches(reqs, entry.job.metadata.labels);
        lastName = name;
        if (pass) items.push(entry.json);
      }
    }
    let meta = '{"continue":';
    if (more && lastName !== undefined) {
      meta += JSON.stringify(encodeContinue(listRv, lastName + '\u0000'));
      if (reqs.length === 0 && freqs.length === 0) meta += `,"remainingItemCount":${names.length - i}`;
    } else {
      meta += '""';
    }
    meta += `,"resourceVersion":"${listRv}","selfLink":${JSON.stringify(selfLink(namespace))}}`;
    return {
      status: 200,
      body: `{"apiVersion":"${API_VERSION}","items":[${items.join(',')}],"kind":"JobList","metadata":${meta}}\n`,
    };
  }

  create(namespace: string, query: URLSearchParams, contentType: string | undefined, raw: string): Answer {
    const base = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
    if (base !== 'application/json' && base !== '*/*' && base !== '') {
      throw statusError(
        415,
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
        'UnsupportedMediaType',
      );
    }
    const { dryRun } = checkCreateOptions(query);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw badRequest('the object provided is unrecognized (must be of type Job): couldn\'t get version/kind; json parse error: invalid JSON');
    }
    if (!isPlainObject(body)) throw badRequest('the object provided is unrecognized (must be of type Job): couldn\'t get version/kind; json parse error: not an object');
    if (body['apiVersion'] !== undefined && body['apiVersion'] !== API_VERSION)
      throw badRequest(`the API version in the data (${String(body['apiVersion'])}) does not match the expected API version (${API_VERSION})`);
    if (body['kind'] !== undefined && body['kind'] !== KIND)
      throw badRequest(`the kind in the data (${String(body['kind'])}) does not match the expected kind (${KIND})`);
    const metaIn = body['metadata'] ?? {};
    if (!isPlainObject(metaIn)) throw badRequest('metadata must be an object');
    if (metaIn['namespace'] !== undefined && metaIn['namespace'] !== '' && metaIn['namespace'] !== namespace)
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    const meta: Record<string, unknown> = { ...metaIn, namespace };
    for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'selfLink', 'deletionTimestamp', 'managedFields']) delete meta[k];
    if ((meta['name'] === undefined || meta['name'] === '') && typeof meta['generateName'] === 'string' && meta['generateName'] !== '') {
      meta['name'] = meta['generateName'] + randomSuffix();
    }
    const job: Record<string, unknown> = { ...body, apiVersion: API_VERSION, kind: KIND, metadata: meta };
    delete job['status'];
    const errs = validateJobCreate(job);
    const name = typeof meta['name'] === 'string' ? meta['name'] : '';
    if (errs.length) throw invalidJob(name, errs);
    if (this.store.has(namespace, name)) throw alreadyExists(name);
    // Volcano's mutating webhook (CREATE): task minAvailable = replicas, job minAvailable = Σ, queue/scheduler defaults.
    const spec = job['spec'] as Record<string, unknown>;
    const tasks = spec['tasks'] as Array<Record<string, unknown>>;
    let sum = 0;
    for (const t of tasks) {
      if (t['replicas'] === undefined || t['replicas'] === null) t['replicas'] = 0;
      if (t['minAvailable'] === undefined || t['minAvailable'] === null) t['minAvailable'] = t['replicas'];
      sum += t['minAvailable'] as number;
    }
    if (spec['minAvailable'] === undefined || spec['minAvailable'] === null || spec['minAvailable'] === 0) spec['minAvailable'] = sum;
    if (!spec['queue']) spec['queue'] = 'default';
    if (!spec['schedulerName']) spec['schedulerName'] = 'volcano';
    const now = Date.now();
    meta['uid'] = randomUUID();
    meta['creationTimestamp'] = nowSeconds(now);
    meta['generation'] = 1;
    meta['selfLink'] = selfLink(namespace, name);
    job['status'] = { minAvailable: spec['minAvailable'], state: { lastTransitionTime: nowSeconds(now), phase: 'Pending' } };
    if (dryRun) return ok(201, JSON.stringify(canonical(job)));
    meta['resourceVersion'] = this.store.nextRv();
    const entry = this.store.set(namespace, canonical(job) as Job);
    return ok(201, entry.json);
  }

  patch(
    namespace: string,
    name: string,
    query: URLSearchParams,
    contentType: string | undefined,
    raw: string,
    subresource?: 'status',
  ): Answer {
    const type = patchTypeOf(contentType);
    if (!type) {
      throw statusError(
        415,
        `the body of the request was in an unknown format - accepted media types include: ${CR_PATCH_TYPES.join(', ')}`,
        'UnsupportedMediaType',
      );
    }
    const { dryRun, fieldValidation } = checkPatchOptions(query, type);
    const body = parsePatchBody(type, raw);
    const entry: Entry | undefined = this.store.get(namespace, name);
    if (!entry) throw notFound(name);
    const patched = applyPatch(type, JSON.parse(entry.json) as Record<string, unknown>, body);
    return this.write(namespace, name, entry, patched, { fieldValidation, dryRun, subresource });
  }

  /** PUT: the body replaces the object (resourceVersion required), through the same update path as PATCH. */
  update(namespace: string, name: string, query: URLSearchParams, contentType: string | undefined, raw: string, subresource?: 'status'): Answer {
    const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (base !== 'application/json' && base !== '') {
      throw statusError(415, 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml', 'UnsupportedMediaType');
    }
    const { dryRun, fieldValidation } = checkUpdateOptions(query);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw badRequest("the object provided is unrecognized (must be of type Job): couldn't get version/kind; json parse error: invalid JSON");
    }
    const entry: Entry | undefined = this.store.get(namespace, name);
    if (!entry) throw notFound(name);
    return this.write(namespace, name, entry, body, { fieldValidation, dryRun, subresource });
  }

  private write(
    namespace: string,
    name: string,
    entry: Entry,
    candidate: unknown,
    o: { fieldValidation: FieldValidation; dryRun: boolean; subresource?: 'status' },
  ): Answer {
    const old = entry.job;
    const { object, warnings } = prepareUpdate(old, candidate, { namespace, name, fieldValidation: o.fieldValidation, subresource: o.subresource });
    const headers = warningHeader(warnings);
    const canon = canonical(object) as Job;
    const json = JSON.stringify(canon);
    if (json === entry.json) return { status: 200, body: entry.json + '\n', headers };
    if (o.subresource !== 'status' && JSON.stringify(canon.spec) !== JSON.stringify(old.spec)) {
      canon.metadata.generation = (typeof old.metadata.generation === 'number' ? old.metadata.generation : 1) + 1;
    }
    if (o.dryRun) return { status: 200, body: JSON.stringify(canon) + '\n', headers };
    canon.metadata.resourceVersion = this.store.nextRv();
    const stored = this.store.set(namespace, canon);
    return { status: 200, body: stored.json + '\n', headers };
  }
}
