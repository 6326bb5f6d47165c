/**
 * Raw patches (`application/merge-patch+json`, `application/json-patch+json`) are forwarded only
 * when every path they touch is one the CCI reference lists as updatable: metadata.labels,
 * metadata.annotations, metadata.generateName, spec.minAvailable, and a task's replicas,
 * minAvailable or template. Anything else is refused (422) before CCI is asked to change anything.
 */
import { badRequest, unprocessable, type FieldIssue } from '../core/errors';
import { isJsonObject } from '../core/json';
import { unescapePointerToken } from '../core/pointer';
import { annotationIssues, labelIssues } from './plan';
import { COUNT_RULE, isCount } from './schema';
import type { VolcanoJob } from '../job/model';

const MAX_JSON_PATCH_OPS = 10_000;
const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);
const TASK_FIELDS = new Set(['replicas', 'minAvailable', 'template']);

export interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

const isObject = isJsonObject;

function isNullableStringMap(v: unknown): v is Record<string, string | null> {
  return isObject(v) && Object.values(v).every((x) => x === null || typeof x === 'string');
}

/** Whether a JSON pointer names an updatable location. */
export function isUpdatablePointer(path: string): boolean {
  const parts = path.split('/').slice(1).map(unescapePointerToken);
  if (path === '' || !path.startsWith('/')) return false;
  const [a, b, c, d] = parts;
  if (a === 'metadata') {
    if (b === 'labels' || b === 'annotations') return parts.length <= 3;
    return b === 'generateName' && parts.length === 2;
  }
  if (a === 'spec') {
    if (b === 'minAvailable') return parts.length === 2;
    if (b === 'tasks' && c !== undefined && /^(0|[1-9][0-9]*)$/.test(c) && d !== undefined) {
      return d === 'template' || (TASK_FIELDS.has(d) && parts.length === 4);
    }
  }
  return false;
}

export function validateJsonPatch(doc: unknown): JsonPatchOp[] {
  if (!Array.isArray(doc)) throw badRequest('invalid-body', 'A JSON Patch body must be an array of operations');
  if (doc.length === 0) throw badRequest('invalid-body', 'The JSON Patch has no operations');
  if (doc.length > MAX_JSON_PATCH_OPS) {
    throw unprocessable('too-many-ops', `A JSON Patch may hold at most ${MAX_JSON_PATCH_OPS} operations (got ${doc.length})`);
  }
  const malformed: FieldIssue[] = [];
  const refused: FieldIssue[] = [];
  const ops: JsonPatchOp[] = [];
  doc.forEach((raw, i) => {
    if (!isObject(raw) || typeof raw.op !== 'string' || !OPS.has(raw.op) || typeof raw.path !== 'string') {
      malformed.push({ path: `/${i}`, message: 'each operation needs "op" (add, remove, replace, move, copy, test) and a string "path"' });
      return;
    }
    const op = raw as unknown as JsonPatchOp;
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') {
      malformed.push({ path: `/${i}/from`, message: `"${op.op}" needs a string "from"` });
      return;
    }
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in raw)) {
      malformed.push({ path: `/${i}/value`, message: `"${op.op}" needs a "value"` });
      return;
    }
    ops.push(op);
    if (op.op === 'test') return; // reads only
    if (!isUpdatablePointer(op.path)) refused.push({ path: `/${i}/path`, message: `"${op.path}" cannot be updated` });
    if (op.op === 'move' && op.from !== undefined && !isUpdatablePointer(op.from)) {
      refused.push({ path: `/${i}/from`, message: `"${op.from}" cannot be updated (move removes it)` });
    }
    refused.push(...valueIssues(op, i));
  });
  if (malformed.length > 0) throw badRequest('invalid-body', 'The JSON Patch is malformed', malformed);
  if (refused.length > 0) throw unprocessable('field-not-updatable', 'The patch touches fields that cannot be updated or sets invalid values', refused);
  return ops;
}

function valueIssues(op: JsonPatchOp, i: number): FieldIssue[] {
  if (op.op !== 'add' && op.op !== 'replace') return [];
  const parts = op.path.split('/').slice(1).map(unescapePointerToken);
  const [a, b, key] = parts;
  if (a !== 'metadata' || (b !== 'labels' && b !== 'annotations')) return [];
  const base = `/${i}/value`;
  if (key === undefined) {
    if (!isNullableStringMap(op.value)) return [{ path: base, message: `metadata.${b} must be an object of strings` }];
    return b === 'labels' ? labelIssues(op.value, base) : annotationIssues(op.value, base);
  }
  if (typeof op.value !== 'string') return [{ path: base, message: `a ${b === 'labels' ? 'label' : 'annotation'} value must be a string` }];
  return b === 'labels' ? labelIssues({ [key]: op.value }, base) : annotationIssues({ [key]: op.value }, base);
}

/** Validates a merge patch; returns whether it replaces `spec.tasks` (which needs the current job to check). */
export function validateMergePatch(doc: unknown): { touchesTasks: boolean } {
  if (!isObject(doc)) throw badRequest('invalid-body', 'A merge patch body must be a JSON object');
  const refused: FieldIssue[] = [];
  let touchesTasks = false;
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'apiVersion' && value === 'batch.volcano.sh/v1alpha1') continue;
    if (key === 'kind' && value === 'Job') continue;
    if (key === 'metadata') {
      if (!isObject(value)) {
        refused.push({ path: '/metadata', message: 'must be an object' });
        continue;
      }
      for (const [mk, mv] of Object.entries(value)) {
        const path = `/metadata/${mk}`;
        if (mk === 'labels' || mk === 'annotations') {
          if (mv === null) continue;
          if (!isNullableStringMap(mv)) refused.push({ path, message: 'must be an object of strings (null removes a key)' });
          else refused.push(...(mk === 'labels' ? labelIssues(mv, path) : annotationIssues(mv, path)));
        } else if (mk === 'generateName') {
          if (mv !== null && typeof mv !== 'string') refused.push({ path, message: 'must be a string' });
        } else if (mk === 'resourceVersion') {
          // A precondition, not a change.
          if (typeof mv !== 'string' || !/^[0-9]+$/.test(mv)) refused.push({ path, message: 'must be a decimal string' });
        } else refused.push({ path, message: `metadata.${mk} cannot be updated` });
      }
      continue;
    }
    if (key === 'spec') {
      if (!isObject(value)) {
        refused.push({ path: '/spec', message: 'must be an object' });
        continue;
      }
      for (const [sk, sv] of Object.entries(value)) {
        const path = `/spec/${sk}`;
        if (sk === 'minAvailable') {
          if (!isCount(sv)) refused.push({ path, message: COUNT_RULE });
        } else if (sk === 'tasks') {
          if (!Array.isArray(sv)) refused.push({ path, message: 'must be the array of tasks' });
          else touchesTasks = true;
        } else refused.push({ path, message: `spec.${sk} cannot be updated` });
      }
      continue;
    }
    refused.push({ path: `/${key}`, message: `${key} cannot be updated` });
  }
  if (refused.length > 0) throw unprocessable('field-not-updatable', 'The patch touches fields that cannot be updated or sets invalid values', refused);
  return { touchesTasks };
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => v[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * A merge patch replaces `spec.tasks` whole: it may only differ from the current tasks in each
 * task's replicas, minAvailable or template (same tasks, same order).
 */
export function checkTasksReplacement(job: VolcanoJob, tasks: unknown[]): void {
  const current = (job.spec?.tasks ?? []) as Array<Record<string, unknown>>;
  const issues: FieldIssue[] = [];
  if (tasks.length !== current.length) {
    issues.push({ path: '/spec/tasks', message: `tasks cannot be added or removed (the job has ${current.length}, the patch gives ${tasks.length})` });
  } else {
    tasks.forEach((t, i) => {
      const cur = current[i]!;
      if (!isObject(t)) {
        issues.push({ path: `/spec/tasks/${i}`, message: 'must be an object' });
        return;
      }
      if (t.name !== cur.name) {
        issues.push({ path: `/spec/tasks/${i}/name`, message: `task ${i} is "${String(cur.name)}"; tasks cannot be renamed or reordered` });
        return;
      }
      for (const f of ['replicas', 'minAvailable'] as const) {
        if (t[f] !== undefined && t[f] !== null && !isCount(t[f])) issues.push({ path: `/spec/tasks/${i}/${f}`, message: COUNT_RULE });
      }
      const keys = new Set([...Object.keys(t), ...Object.keys(cur)]);
      for (const k of keys) {
        if (TASK_FIELDS.has(k) || k === 'name') continue;
        if (canonical(t[k]) !== canonical(cur[k])) issues.push({ path: `/spec/tasks/${i}/${k}`, message: `a task's ${k} cannot be updated` });
      }
    });
  }
  if (issues.length > 0) throw unprocessable('field-not-updatable', 'The patch changes task fields that cannot be updated', issues);
}
