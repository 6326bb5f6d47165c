/**
 * "What would this patch store?", answered once for every path into CCI. A patch (the merge patch
 * built from a structured body or a queue message, a raw merge patch, a raw JSON patch) is applied
 * here to the job as read (RFC 7386 / RFC 6902, as the apiserver applies it), and `changeIssues`
 * compares the result with the job: whatever differs must be a field the CCI reference lists as
 * updatable (metadata.labels, metadata.annotations, metadata.generateName, spec.minAvailable, a
 * task's replicas, minAvailable or template) and hold a value Kubernetes and Volcano's webhook
 * accept (label / annotation rules, annotations ≤ 256 KiB in bytes, counts 0..2^31-1, a template an
 * object, the same tasks in the same order, a task's minAvailable ≤ its replicas, the job's
 * minAvailable ≤ its total replicas). Unchanged fields pass whatever they hold: an odd value CCI
 * stores is neither refused nor "fixed". Keys are data: objects are read by own property and
 * written with defineProperty / Object.fromEntries, so `__proto__` or `constructor` are plain names.
 * Inputs are depth-bounded when parsed (core/json `jsonProblem`), so the recursion here is bounded.
 */
import { badRequest, unprocessable, type FieldIssue } from '../core/errors';
import { isJsonObject as isObject, type JsonObject } from '../core/json';
import { escapePointerToken, unescapePointerToken } from '../core/pointer';
import { count, dict, field, type VolcanoJob } from '../job/model';
import { labelValueErrors, qualifiedNameErrors, TOTAL_ANNOTATION_SIZE_LIMIT } from '../job/names';
import { COUNT_RULE, isResourceVersion, RV_RULE } from './schema';

const MAX_JSON_PATCH_OPS = 10_000;

export interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

/** The operations of a JSON patch body (400 when it is not one). */
export function validateJsonPatch(doc: unknown): JsonPatchOp[] {
  if (!Array.isArray(doc) || doc.length === 0) throw badRequest('invalid-body', 'A JSON Patch body must be a non-empty array of operations');
  if (doc.length > MAX_JSON_PATCH_OPS) {
    throw unprocessable('too-many-ops', `A JSON Patch may hold at most ${MAX_JSON_PATCH_OPS} operations (got ${doc.length})`);
  }
  const malformed: FieldIssue[] = [];
  doc.forEach((o: JsonPatchOp, i) => {
    const needs = isObject(o) && { add: 'value', replace: 'value', test: 'value', move: 'from', copy: 'from', remove: 'path' }[o.op];
    if (!needs || typeof o.path !== 'string' || (needs === 'from' ? typeof o.from !== 'string' : !Object.hasOwn(o, needs))) {
      malformed.push({ path: `/${i}`, message: 'needs "op" (add, remove, replace, move, copy, test), a string "path", and "value" (add, replace, test) or a string "from" (move, copy)' });
    }
  });
  if (malformed.length > 0) throw badRequest('invalid-body', 'The JSON Patch is malformed', malformed);
  return doc;
}

/** RFC 7386: a fresh object (own keys only), the target left untouched. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out = new Map(Object.entries(isObject(target) ? target : {}));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) out.delete(k);
    else out.set(k, mergePatch(out.get(k), v));
  }
  return Object.fromEntries(out);
}

type Container = JsonObject | unknown[];
const isContainer = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const fail = (why: string): never => {
  throw new Error(why);
};
function index(a: unknown[], token: string, insert: boolean): number {
  const i = insert && token === '-' ? a.length : /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : -1;
  return i < 0 || i > a.length - (insert ? 0 : 1) ? fail(`no index ${token}`) : i;
}
function child(at: unknown, token: string): unknown {
  if (Array.isArray(at)) return at[index(at, token, false)];
  return isObject(at) && Object.hasOwn(at, token) ? at[token] : fail(`no "${token}"`);
}
function locate(doc: unknown, path: string): [Container, string] {
  if (path[0] !== '/') fail('not a pointer');
  const tokens = path.split('/').slice(1).map(unescapePointerToken);
  const last = tokens.pop()!;
  const parent = tokens.reduce(child, doc);
  return isContainer(parent) ? [parent, last] : fail('no parent');
}
const read = (doc: unknown, path: string) => (path === '' ? doc : child(...locate(doc, path)));
const put = (doc: unknown, path: string, value: unknown, replace: boolean) => {
  const [c, k] = locate(doc, path);
  if (Array.isArray(c)) c.splice(index(c, k, !replace), replace ? 1 : 0, value);
  // defineProperty: `__proto__` becomes an entry, not a prototype. A missing key on replace is added (as the apiserver does).
  else Object.defineProperty(c, k, { value, writable: true, enumerable: true, configurable: true });
};
function remove(doc: unknown, path: string): unknown {
  const [c, k] = locate(doc, path);
  const v = child(c, k);
  if (Array.isArray(c)) c.splice(Number(k), 1);
  else delete c[k];
  return v;
}

/** RFC 6902 applied to a copy of the job; an operation that cannot apply is a 422 (as the apiserver's). */
export function applyJsonPatch(job: VolcanoJob, ops: readonly JsonPatchOp[]): unknown {
  const doc: unknown = JSON.parse(JSON.stringify(job));
  ops.forEach((o, i) => {
    try {
      if (o.op === 'test') {
        if (canonical(read(doc, o.path)) !== canonical(o.value)) fail('the value differs');
      } else if (o.op === 'remove') remove(doc, o.path);
      else if (o.op === 'move') put(doc, o.path, remove(doc, o.from!), false);
      else put(doc, o.path, o.op === 'copy' ? JSON.parse(JSON.stringify(read(doc, o.from!))) : o.value, o.op === 'replace');
    } catch (err) {
      const message = (err as Error).message;
      throw unprocessable('patch-failed', `JSON Patch operation ${i} cannot be applied: ${message}`, [{ path: `/${i}`, message }]);
    }
  });
  return doc;
}

/** Key-order independent JSON text, for "did this change?". */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? '';
}

/** A location a patch writes (JSON pointer tokens) and the value it leaves there (undefined: removed). */
type Touch = [tokens: string[], value: unknown];
/** The value a `move` or `copy` leaves: known only once applied to the job. */
const FROM_JOB = Symbol('from the job');
const pointer = (tokens: string[]) => tokens.map((t) => `/${escapePointerToken(t)}`).join('');
const INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * The one rule: may `value` be stored at `tokens`? A message when not. Entries of the label and
 * annotation maps are touches of their own; a task's template may hold anything below it.
 */
function ruleFor([a, b, c, d, ...deeper]: string[], v: unknown): string | undefined {
  const known = v !== FROM_JOB;
  if (a === 'metadata' && (b === 'labels' || b === 'annotations') && d === undefined) {
    const kind = b === 'labels' ? 'label' : 'annotation';
    if (c === undefined) return !known || v === undefined || isObject(v) ? undefined : 'must be an object of strings';
    // Kubernetes checks annotation keys lower-cased, label keys as given.
    const key = qualifiedNameErrors(kind === 'label' ? c : c.toLowerCase());
    if (key.length > 0) return `invalid ${kind} key "${c}": ${key.join('; ')}`;
    if (!known || v === undefined) return undefined;
    if (typeof v !== 'string') return `a${kind === 'label' ? ' label' : 'n annotation'} value must be a string`;
    const value = kind === 'label' ? labelValueErrors(v) : [];
    return value.length > 0 ? `invalid label value "${v}": ${value.join('; ')}` : undefined;
  }
  if (c === undefined && a === 'metadata' && b === 'generateName') return !known || v === undefined || (typeof v === 'string' && !/[/%]/.test(v)) ? undefined : 'must be a string without "/" or "%"';
  if (c === undefined && a === 'metadata' && b === 'resourceVersion') return !known || isResourceVersion(v) ? undefined : RV_RULE;
  if (a === 'spec' && b === 'minAvailable' && c === undefined) return !known || count(v) !== undefined ? undefined : COUNT_RULE;
  if (a === 'spec' && b === 'tasks' && c !== undefined && INDEX.test(c)) {
    if ((d === 'replicas' || d === 'minAvailable') && deeper.length === 0) return !known || count(v) !== undefined ? undefined : COUNT_RULE;
    if (d === 'template') return !known || deeper.length > 0 || isObject(v) ? undefined : 'must be an object';
    if (d === 'name') return 'tasks cannot be renamed or reordered';
    return d === undefined ? 'tasks cannot be added, removed or replaced' : `a task's ${d} cannot be updated`;
  }
  if (a === 'spec' && b === 'tasks' && c === undefined) return Array.isArray(v) ? undefined : 'must be the array of tasks';
  return `${[a, b, c, d, ...deeper].filter((t) => t !== undefined).join('.') || 'the whole job'} cannot be updated`;
}

const issuesOf = (touches: Touch[]): FieldIssue[] =>
  touches.flatMap(([tokens, v]) => {
    const message = ruleFor(tokens, v);
    return message === undefined ? [] : [{ path: pointer(tokens), message }];
  });

/** The entries of a label / annotation map as touches of their own. */
const withEntries = (tokens: string[], v: unknown): Touch[] =>
  tokens.length === 2 && tokens[0] === 'metadata' && /^(labels|annotations)$/.test(tokens[1]!) && isObject(v)
    ? [[tokens, v], ...Object.entries(v).map(([k, x]): Touch => [[...tokens, k], x])]
    : [[tokens, v]];

/**
 * What a patch writes, checked without the job (no call to CCI): every location it sets or
 * removes, with its value where the patch gives it. A task list replaced by a merge patch is
 * compared with the job's once read (changeIssues).
 */
export function staticIssues(doc: unknown, ops?: readonly JsonPatchOp[]): FieldIssue[] {
  const touches: Touch[] = [];
  if (ops) {
    for (const o of ops) {
      const at = (path: string) => path.split('/').slice(1).map(unescapePointerToken);
      if (o.op === 'test') continue;
      if (o.op === 'move') touches.push([at(o.from!), undefined]);
      touches.push(...withEntries(at(o.path), o.op === 'remove' ? undefined : o.op === 'move' || o.op === 'copy' ? FROM_JOB : o.value));
    }
    return issuesOf(touches);
  }
  // A merge patch is checked as the change it makes to a probe holding what it removes (so each
  // removal shows), without the Volcano cross-checks that need the real task list.
  const probe = (d: unknown): unknown => isObject(d) ? Object.fromEntries(Object.entries(d).flatMap(([k, v]) => (v === null ? [[k, 0]] : isObject(v) ? [[k, probe(v)]] : []))) : undefined;
  const before = { ...(probe(doc) as object), apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job' };
  return changeIssues(before, mergePatch(before, doc), false);
}


const keysOf = (v: unknown) => (isContainer(v) ? Object.keys(v) : []);
const own = (v: unknown, k: string) => (isContainer(v) && Object.hasOwn(v, k) ? v[k] : undefined);

/** Everything wrong with storing `after` in place of the job as read, as `{path, message}` issues (empty: storable). */
export function changeIssues(before: unknown, after: unknown, volcano = true): FieldIssue[] {
  const touches: Touch[] = [];
  const issues: FieldIssue[] = [];
  /** The locations below `tokens` whose values differ; `descend` says where to look inside. */
  const diff = (x: unknown, y: unknown, tokens: string[], descend: (t: string[], x: unknown, y: unknown) => boolean) => {
    for (const k of new Set([...keysOf(x), ...keysOf(y)])) {
      const a = own(x, k);
      const b = own(y, k);
      const t = [...tokens, k];
      if (canonical(a) !== canonical(b) && !descend(t, a, b)) touches.push([t, b]);
    }
  };
  const inside = (t: string[], x: unknown, y: unknown): boolean => {
    const [a, b, c] = t;
    if (t.length === 1 && (a === 'metadata' || a === 'spec') && isObject(y)) return diff(x, y, t, inside), true;
    if (t.length === 2 && a === 'metadata' && (b === 'labels' || b === 'annotations') && isObject(y)) return diff(x, y, t, () => false), true;
    if (t.length === 2 && a === 'spec' && b === 'tasks' && Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) issues.push({ path: '/spec/tasks', message: 'tasks cannot be added or removed' });
      else diff(x, y, t, inside);
      return true;
    }
    return t.length === 3 && a === 'spec' && c !== undefined && isObject(x) && isObject(y) ? (diff(x, y, t, () => false), true) : false;
  };
  diff(before, after, [], inside);
  issues.push(...issuesOf(touches));

  const meta = field(after, 'metadata');
  let bytes = 0;
  for (const [k, v] of Object.entries(dict(field(meta, 'annotations')) ?? {})) if (typeof v === 'string') bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  if (bytes > TOTAL_ANNOTATION_SIZE_LIMIT) issues.push({ path: '/metadata/annotations', message: `annotations may not total more than ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes (got ${bytes})` });

  // Volcano's webhook, when the spec changes: a task's minAvailable ≤ its replicas, the job's minAvailable ≤ the total.
  const spec = field(after, 'spec');
  if (volcano && canonical(field(before, 'spec')) !== canonical(spec)) {
    let total = 0;
    const tasks = field(spec, 'tasks');
    (Array.isArray(tasks) ? tasks : []).forEach((t, i) => {
      const r = count(field(t, 'replicas'));
      const m = count(field(t, 'minAvailable'));
      total += r ?? 0;
      if (r !== undefined && m !== undefined && m > r) issues.push({ path: `/spec/tasks/${i}/minAvailable`, message: `${m} exceeds the task's replicas ${r}` });
    });
    const min = count(field(spec, 'minAvailable'));
    if (min !== undefined && min > total) issues.push({ path: '/spec/minAvailable', message: `${min} exceeds the job's total replicas ${total}` });
  }
  return issues;
}
