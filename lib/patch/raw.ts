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
import { count, field, type VolcanoJob } from '../job/model';
import { labelValueErrors, qualifiedNameErrors, TOTAL_ANNOTATION_SIZE_LIMIT } from '../job/names';
import { COUNT_RULE } from './schema';

const MAX_JSON_PATCH_OPS = 10_000;
const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

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
  doc.forEach((op: JsonPatchOp, i) => {
    const path = `/${i}`;
    if (!isObject(op) || !OPS.has(op.op) || typeof op.path !== 'string') {
      malformed.push({ path, message: 'each operation needs "op" (add, remove, replace, move, copy, test) and a string "path"' });
    } else if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') malformed.push({ path: `${path}/from`, message: `"${op.op}" needs a string "from"` });
    else if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !Object.hasOwn(op, 'value')) malformed.push({ path: `${path}/value`, message: `"${op.op}" needs a "value"` });
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
  if (!path.startsWith('/')) fail('a path must start with "/"');
  const tokens = path.split('/').slice(1).map(unescapePointerToken);
  const last = tokens.pop()!;
  const parent = tokens.reduce(child, doc);
  return isObject(parent) || Array.isArray(parent) ? [parent, last] : fail('its parent is not an object or array');
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
      throw unprocessable('patch-failed', `JSON Patch operation ${i} (${o.op} ${o.path}) cannot be applied: ${(err as Error).message}`, [
        { path: `/${i}`, message: (err as Error).message },
      ]);
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

/** Calls `changed` for each key whose value differs between `a` and `b` (own keys of either). */
function diff(a: unknown, b: unknown, path: string, changed: (key: string, before: unknown, after: unknown, path: string) => void): void {
  for (const k of new Set([...Object.keys(isObject(a) ? a : {}), ...Object.keys(isObject(b) ? b : {})])) {
    const x = field(a, k);
    const y = field(b, k);
    if (canonical(x) !== canonical(y)) changed(k, x, y, `${path}/${escapePointerToken(k)}`);
  }
}

/** Everything wrong with storing `after` in place of the job as read, as `{path, message}` issues (empty: storable). */
export function changeIssues(before: unknown, after: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const bad = (path: string, message: string) => void issues.push({ path, message });
  const object = (v: unknown, path: string) => isObject(v) || v === undefined || bad(path, 'must be an object');

  const maps = (kind: 'label' | 'annotation', x: unknown, y: unknown, path: string) => {
    if (!object(y, path)) return;
    let bytes = 0;
    for (const [k, v] of Object.entries(isObject(y) ? y : {})) if (typeof v === 'string') bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
    diff(x, y, path, (k, _, v, p) => {
      // Kubernetes checks annotation keys lower-cased, label keys as given.
      for (const e of qualifiedNameErrors(kind === 'label' ? k : k.toLowerCase())) bad(p, `invalid ${kind} key "${k}": ${e}`);
      if (v === undefined) return;
      if (typeof v !== 'string') bad(p, `a${kind === 'label' ? ' label' : 'n annotation'} value must be a string`);
      else if (kind === 'label') for (const e of labelValueErrors(v)) bad(p, `invalid label value "${v}": ${e}`);
    });
    if (kind === 'annotation' && bytes > TOTAL_ANNOTATION_SIZE_LIMIT) bad(path, `annotations may not total more than ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes (got ${bytes})`);
  };

  const spec = (x: unknown, y: unknown, path: string) => {
    if (!object(y, path)) return;
    diff(x, y, path, (k, tx, ty, p) => {
      if (k === 'minAvailable') count(ty) ?? bad(p, COUNT_RULE);
      else if (k !== 'tasks') bad(p, `spec.${k} cannot be updated`);
      else if (!Array.isArray(tx) || !Array.isArray(ty) || tx.length !== ty.length) bad(p, 'tasks cannot be added, removed or replaced by another value');
      else {
        ty.forEach((t, i) =>
          object(t, `${p}/${i}`) &&
          diff(tx[i], t, `${p}/${i}`, (f, _, v, fp) => {
            if (f === 'replicas' || f === 'minAvailable') count(v) ?? bad(fp, COUNT_RULE);
            else if (f === 'template') isObject(v) || bad(fp, 'must be an object (the pod template)');
            else bad(fp, f === 'name' ? 'tasks cannot be renamed or reordered' : `a task's ${f} cannot be updated`);
          }),
        );
      }
    });
    // Volcano's webhook: a task's minAvailable ≤ its replicas, the job's minAvailable ≤ the total.
    let total = 0;
    const tasks = field(y, 'tasks');
    (Array.isArray(tasks) ? tasks : []).forEach((t, i) => {
      const r = count(field(t, 'replicas'));
      const m = count(field(t, 'minAvailable'));
      total += r ?? 0;
      if (r !== undefined && m !== undefined && m > r) bad(`${path}/tasks/${i}/minAvailable`, `${m} exceeds the task's replicas ${r}`);
    });
    const min = count(field(y, 'minAvailable'));
    if (min !== undefined && min > total) bad(`${path}/minAvailable`, `${min} exceeds the job's total replicas ${total}`);
  };

  if (!isObject(after)) return [{ path: '', message: 'the patched job must be an object' }];
  diff(before, after, '', (k, x, y, p) => {
    if (k === 'spec') spec(x, y, p);
    else if (k !== 'metadata') bad(p, `${k} cannot be updated`);
    else if (object(y, p)) {
      diff(x, y, p, (mk, mx, my, mp) => {
        if (mk === 'labels' || mk === 'annotations') maps(mk === 'labels' ? 'label' : 'annotation', mx, my, mp);
        else if (mk === 'resourceVersion') (typeof my === 'string' && /^[0-9]+$/.test(my)) || bad(mp, 'must be a decimal string');
        else if (mk !== 'generateName') bad(mp, `metadata.${mk} cannot be updated`);
        else if (my !== undefined && (typeof my !== 'string' || /[/%]/.test(my))) bad(mp, 'must be a string without "/" or "%"');
      });
    }
  });
  return issues;
}
