import { describe, expect, it } from 'vitest';
import { AppError } from '../../../lib/core/errors';
import { checkTasksReplacement, isUpdatablePointer, validateJsonPatch, validateMergePatch } from '../../../lib/patch/raw';
import type { VolcanoJob } from '../../../lib/job/model';

function statusOf(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof AppError ? e.status : -1;
  }
}

const job: VolcanoJob = {
  metadata: { name: 'j' },
  spec: { tasks: [{ name: 'a', replicas: 1, policies: [{ event: 'TaskCompleted', action: 'CompleteJob' }], template: { x: 1 } }, { name: 'b', replicas: 2 }] },
};

describe('updatable paths', () => {
  it.each([
    ['/metadata/labels', true],
    ['/metadata/labels/app.kubernetes.io~1name', true],
    ['/metadata/annotations/owner', true],
    ['/metadata/generateName', true],
    ['/spec/minAvailable', true],
    ['/spec/tasks/0/replicas', true],
    ['/spec/tasks/12/minAvailable', true],
    ['/spec/tasks/1/template/spec/containers/0/image', true],
    ['/spec/tasks/0/name', false],
    ['/spec/tasks/-/replicas', false],
    ['/spec/tasks/0', false],
    ['/spec/queue', false],
    ['/metadata/name', false],
    ['/status/state/phase', false],
    ['', false],
  ])('%s → %s', (p, ok) => expect(isUpdatablePointer(p)).toBe(ok));
});

describe('JSON patch', () => {
  it('accepts updatable ops and tests anywhere', () => {
    expect(() =>
      validateJsonPatch([
        { op: 'test', path: '/metadata/resourceVersion', value: '5' },
        { op: 'replace', path: '/spec/tasks/1/replicas', value: 3 },
        { op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'x' },
        { op: 'remove', path: '/metadata/labels/old' },
      ]),
    ).not.toThrow();
  });
  it('400 for malformed documents, 422 for forbidden paths or bad label values', () => {
    expect(statusOf(() => validateJsonPatch({ op: 'add' }))).toBe(400);
    expect(statusOf(() => validateJsonPatch([{ op: 'frobnicate', path: '/spec' }]))).toBe(400);
    expect(statusOf(() => validateJsonPatch([{ op: 'replace', path: '/spec/queue', value: 'q' }]))).toBe(422);
    expect(statusOf(() => validateJsonPatch([{ op: 'move', from: '/metadata/name', path: '/metadata/labels/x' }]))).toBe(422);
    expect(statusOf(() => validateJsonPatch([{ op: 'add', path: '/metadata/labels/x', value: 'bad value!' }]))).toBe(422);
  });
});

describe('merge patch', () => {
  it('accepts metadata maps, generateName, minAvailable and a resourceVersion precondition', () => {
    expect(validateMergePatch({ metadata: { labels: { a: 'b', c: null }, resourceVersion: '9' }, spec: { minAvailable: 1 } })).toEqual({ touchesTasks: false });
    expect(validateMergePatch({ spec: { tasks: [] } })).toEqual({ touchesTasks: true });
  });
  it('refuses other fields (422) and non-objects (400)', () => {
    expect(statusOf(() => validateMergePatch({ spec: { queue: 'x' } }))).toBe(422);
    expect(statusOf(() => validateMergePatch({ metadata: { name: 'x' } }))).toBe(422);
    expect(statusOf(() => validateMergePatch({ status: { state: { phase: 'Running' } } }))).toBe(422);
    expect(statusOf(() => validateMergePatch([]))).toBe(400);
    expect(statusOf(() => validateMergePatch(null))).toBe(400);
  });
  it('a replaced task list may change replicas, minAvailable and template only', () => {
    const tasks = JSON.parse(JSON.stringify(job.spec!.tasks)) as Array<Record<string, unknown>>;
    tasks[1]!.replicas = 5;
    tasks[0]!.template = { y: 2 };
    expect(() => checkTasksReplacement(job, tasks)).not.toThrow();
    expect(statusOf(() => checkTasksReplacement(job, [tasks[0]]))).toBe(422);
    expect(statusOf(() => checkTasksReplacement(job, [tasks[1], tasks[0]]))).toBe(422);
    const policies = JSON.parse(JSON.stringify(tasks)) as Array<Record<string, unknown>>;
    policies[0]!.policies = [];
    expect(statusOf(() => checkTasksReplacement(job, policies))).toBe(422);
  });
});
