/** raw.ts: the one rule set for what a patch would store, and the RFC 7386 / 6902 appliers it runs on. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../lib/core/errors';
import type { VolcanoJob } from '../../../lib/job/model';
import { applyJsonPatch, changeIssues, mergePatch, staticIssues, validateJsonPatch, type JsonPatchOp } from '../../../lib/patch/raw';

function statusOf(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof AppError ? e.status : -1;
  }
}

const job = (): VolcanoJob => ({
  apiVersion: 'batch.volcano.sh/v1alpha1',
  kind: 'Job',
  metadata: { name: 'j', resourceVersion: '5', labels: { keep: 'yes' }, finalizers: ['x'] },
  spec: {
    minAvailable: 2,
    queue: 'default',
    tasks: [
      { name: 'a', replicas: 1, minAvailable: 1, policies: [{ event: 'TaskCompleted', action: 'CompleteJob' }], template: { x: 1 } },
      { name: 'b', replicas: 2, template: { y: 1 } },
    ],
  },
  status: { state: { phase: 'Running' } },
});

const merged = (patch: unknown, base = job()) => changeIssues(base, mergePatch(base, patch));
const patched = (ops: JsonPatchOp[], base = job()) => changeIssues(base, applyJsonPatch(base, ops));
const paths = (issues: Array<{ path: string }>) => issues.map((i) => i.path);

describe('JSON patch shape (400)', () => {
  it('needs a non-empty array of operations with op, path, from and value where required', () => {
    expect(statusOf(() => validateJsonPatch({ op: 'add' }))).toBe(400);
    expect(statusOf(() => validateJsonPatch([]))).toBe(400);
    expect(statusOf(() => validateJsonPatch([{ op: 'frobnicate', path: '/spec' }]))).toBe(400);
    expect(statusOf(() => validateJsonPatch([{ op: 'copy', path: '/spec' }]))).toBe(400);
    expect(statusOf(() => validateJsonPatch([{ op: 'add', path: '/spec' }]))).toBe(400);
    expect(statusOf(() => validateJsonPatch([{ op: 'replace', path: '/spec/minAvailable', value: null }]))).toBeUndefined();
  });
});

describe('changes that may be stored', () => {
  it('labels, annotations, generateName, minAvailable, a task replicas / minAvailable / template', () => {
    expect(merged({ metadata: { labels: { a: 'b', keep: null }, annotations: { 'Example.COM/Owner': 'any text at all' }, generateName: 'j-' } })).toEqual([]);
    expect(merged({ spec: { minAvailable: 3, tasks: [{ name: 'a', replicas: 1, minAvailable: 1, policies: [{ action: 'CompleteJob', event: 'TaskCompleted' }], template: { z: 1 } }, { template: { y: 1 }, replicas: 5, name: 'b' }] } })).toEqual([]);
    expect(patched([{ op: 'test', path: '/metadata/resourceVersion', value: '5' }, { op: 'replace', path: '/spec/tasks/1/replicas', value: 3 }, { op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'x' }, { op: 'remove', path: '/metadata/labels/keep' }])).toEqual([]);
    expect(patched([{ op: 'replace', path: '/spec/tasks/0/template/x', value: 2 }])).toEqual([]);
  });

  it('an unchanged odd value passes as it is (not refused, not fixed)', () => {
    const odd = job();
    (odd.spec as { tasks: Array<Record<string, unknown>> }).tasks[1]!.replicas = '2';
    expect(patched([{ op: 'replace', path: '/spec/tasks/0/replicas', value: 2 }], odd)).toEqual([]);
    expect(paths(patched([{ op: 'replace', path: '/spec/tasks/1/replicas', value: '3' }], odd))[0]).toBe('/spec/tasks/1/replicas');
  });
});

describe('changes refused (each with its path)', () => {
  it.each<[string, JsonPatchOp[], string[]]>([
    ['null replicas', [{ op: 'replace', path: '/spec/tasks/0/replicas', value: null }], ['/spec/tasks/0/replicas']],
    ['negative replicas', [{ op: 'replace', path: '/spec/tasks/1/replicas', value: -1 }], ['/spec/tasks/1/replicas']],
    ['fractional replicas', [{ op: 'replace', path: '/spec/tasks/1/replicas', value: 1.5 }], ['/spec/tasks/1/replicas']],
    ['string replicas', [{ op: 'replace', path: '/spec/tasks/1/replicas', value: '3' }], ['/spec/tasks/1/replicas']],
    ['replicas above 2^31-1', [{ op: 'replace', path: '/spec/tasks/1/replicas', value: 2 ** 31 }], ['/spec/tasks/1/replicas']],
    ['a job minAvailable that is not a count', [{ op: 'replace', path: '/spec/minAvailable', value: 'x' }], ['/spec/minAvailable']],
    ['an invalid label key', [{ op: 'add', path: '/metadata/labels/bad key', value: 'v' }], ['/metadata/labels/bad key']],
    ['an invalid label value', [{ op: 'add', path: '/metadata/labels/ok', value: 'bad value!' }], ['/metadata/labels/ok']],
    ['a label value that is not a string', [{ op: 'add', path: '/metadata/labels/ok', value: 5 }], ['/metadata/labels/ok']],
    ['labels that are not an object', [{ op: 'replace', path: '/metadata/labels', value: 'x' }], ['/metadata/labels']],
    ['a label copied from a value that is not one', [{ op: 'copy', from: '/spec/queue', path: '/metadata/labels/q' }, { op: 'copy', from: '/spec/tasks/0/template', path: '/metadata/labels/t' }], ['/metadata/labels/t']],
    ['a template that is not an object', [{ op: 'replace', path: '/spec/tasks/0/template', value: [] }], ['/spec/tasks/0/template']],
    ['a task added', [{ op: 'add', path: '/spec/tasks/-', value: { name: 'c', replicas: 1 } }], ['/spec/tasks']],
    ['a task removed', [{ op: 'remove', path: '/spec/tasks/1' }], ['/spec/tasks']],
    ['a task renamed', [{ op: 'replace', path: '/spec/tasks/0/name', value: 'z' }], ['/spec/tasks/0/name']],
    ['a task policy changed', [{ op: 'remove', path: '/spec/tasks/0/policies' }], ['/spec/tasks/0/policies']],
    ['the queue', [{ op: 'replace', path: '/spec/queue', value: 'q' }], ['/spec/queue']],
    ['the name', [{ op: 'move', from: '/metadata/name', path: '/metadata/labels/x' }], ['/metadata/name']],
    ['finalizers', [{ op: 'remove', path: '/metadata/finalizers' }], ['/metadata/finalizers']],
    ['status', [{ op: 'replace', path: '/status/state/phase', value: 'Failed' }], ['/status']],
    ['a task minAvailable above its replicas', [{ op: 'replace', path: '/spec/tasks/0/minAvailable', value: 2 }], ['/spec/tasks/0/minAvailable']],
    ['a job minAvailable above the total', [{ op: 'replace', path: '/spec/minAvailable', value: 4 }], ['/spec/minAvailable']],
    ['scaling below the job minAvailable', [{ op: 'replace', path: '/spec/tasks/1/replicas', value: 0 }], ['/spec/minAvailable']],
    ['generateName with a slash', [{ op: 'add', path: '/metadata/generateName', value: 'a/b' }], ['/metadata/generateName']],
  ])('%s', (_, ops, expected) => expect(paths(patched(ops)).slice(0, expected.length)).toEqual(expected));

  it('merge patches: removals by null count as changes', () => {
    expect(paths(merged({ metadata: { finalizers: null } }))).toEqual(['/metadata/finalizers']);
    expect(paths(merged({ spec: { tasks: null } }))[0]).toBe('/spec/tasks');
    expect(paths(merged({ spec: { tasks: [{ name: 'b', replicas: 2, template: { y: 1 } }, { name: 'a', replicas: 1, minAvailable: 1, template: { x: 1 } }] } }))).toEqual(
      expect.arrayContaining(['/spec/tasks/0/name', '/spec/tasks/1/name']),
    );
    expect(paths(merged({ spec: 5 }))).toContain('/spec');
    expect(paths(merged({ foo: 1 }))).toEqual(['/foo']);
  });

  it('annotations: keys checked lower-cased, the total counted in bytes', () => {
    const base: VolcanoJob = { metadata: { name: 'j' } };
    // 87,382 three-byte characters: 262,146 bytes with the key, though only 87,383 characters.
    expect(paths(merged({ metadata: { annotations: { k: '€'.repeat(87_382) } } }, base))).toEqual(['/metadata/annotations']);
    expect(merged({ metadata: { annotations: { k: '€'.repeat(87_000) } } }, base)).toEqual([]);
    expect(paths(merged({ metadata: { annotations: { 'a/b/c': 'x' } } }, base))).toEqual(['/metadata/annotations/a~1b~1c']);
  });
});

describe('built-in names are data', () => {
  it('merge: __proto__, constructor, toString keys become entries, not prototypes', () => {
    const patch = JSON.parse('{"metadata":{"labels":{"__proto__":"x","constructor":"y","toString":"z"}}}');
    const out = mergePatch({ metadata: { name: 'j' } }, patch) as { metadata: { labels: object } };
    expect(Object.getPrototypeOf(out.metadata.labels)).toBe(Object.prototype);
    expect(Object.keys(out.metadata.labels)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(JSON.stringify(out)).toBe('{"metadata":{"name":"j","labels":{"__proto__":"x","constructor":"y","toString":"z"}}}');
    // `__proto__` is not a valid label key (it must start with an alphanumeric); the others are.
    expect(paths(changeIssues({ metadata: { name: 'j' } }, out))).toEqual(['/metadata/labels/__proto__']);
  });

  it('JSON patch: a key named __proto__ or hasOwnProperty is added as an entry', () => {
    const base: VolcanoJob = { metadata: { name: 'j', annotations: {} } };
    const out = applyJsonPatch(base, [
      { op: 'add', path: '/metadata/annotations/__proto__', value: 'p' },
      { op: 'add', path: '/metadata/annotations/hasOwnProperty', value: 'h' },
    ]) as VolcanoJob;
    expect(JSON.stringify(out.metadata.annotations)).toBe('{"__proto__":"p","hasOwnProperty":"h"}');
    expect(statusOf(() => applyJsonPatch(base, [{ op: 'replace', path: '/metadata/annotations/constructor/name', value: 'x' }]))).toBe(422);
    expect(statusOf(() => applyJsonPatch(base, [{ op: 'test', path: '/metadata/toString', value: null }]))).toBe(422);
  });
});

describe('JSON patch application', () => {
  it('ops that cannot apply are 422 (missing parents, bad indexes, failed tests)', () => {
    for (const ops of [
      [{ op: 'add', path: '/metadata/nothing/x', value: 1 }],
      [{ op: 'replace', path: '/spec/tasks/9/replicas', value: 1 }],
      [{ op: 'replace', path: '/spec/tasks/01/replicas', value: 1 }],
      [{ op: 'remove', path: '/metadata/labels/absent' }],
      [{ op: 'test', path: '/spec/minAvailable', value: 3 }],
      [{ op: 'add', path: 'spec', value: 1 }],
    ] as JsonPatchOp[][]) {
      expect(statusOf(() => applyJsonPatch(job(), ops))).toBe(422);
    }
  });
  it('does not touch the job it is given', () => {
    const j = job();
    const before = JSON.stringify(j);
    applyJsonPatch(j, [{ op: 'remove', path: '/spec/tasks/0' }, { op: 'add', path: '/metadata/labels/x', value: 'y' }]);
    mergePatch(j, { metadata: { labels: null } });
    expect(JSON.stringify(j)).toBe(before);
  });
});

describe('static checks (before CCI is called)', () => {
  it.each<[string, JsonPatchOp[], string[]]>([
    ['null replicas', [{ op: 'replace', path: '/spec/tasks/0/replicas', value: null }], ['/spec/tasks/0/replicas']],
    ['negative minAvailable', [{ op: 'replace', path: '/spec/tasks/0/minAvailable', value: -1 }], ['/spec/tasks/0/minAvailable']],
    ['fractional, string, too large counts', [
      { op: 'replace', path: '/spec/minAvailable', value: 0.5 },
      { op: 'replace', path: '/spec/tasks/1/replicas', value: '3' },
      { op: 'replace', path: '/spec/tasks/2/replicas', value: 2_147_483_648 },
    ], ['/spec/minAvailable', '/spec/tasks/1/replicas', '/spec/tasks/2/replicas']],
    ['invalid label keys and values', [{ op: 'add', path: '/metadata/labels/bad key', value: 'v' }, { op: 'add', path: '/metadata/labels', value: { ok: 'bad value!', n: null } }], ['/metadata/labels/bad key', '/metadata/labels/ok', '/metadata/labels/n']],
    ['a template that is not an object', [{ op: 'add', path: '/spec/tasks/0/template', value: 'x' }], ['/spec/tasks/0/template']],
    ['paths outside the updatable fields', [{ op: 'replace', path: '/spec/queue', value: 'q' }, { op: 'remove', path: '/metadata/finalizers' }, { op: 'move', from: '/metadata/name', path: '/metadata/labels/x' }, { op: 'add', path: '', value: {} }], ['/spec/queue', '/metadata/finalizers', '/metadata/name', '']],
    ['whole tasks', [{ op: 'add', path: '/spec/tasks/-', value: {} }, { op: 'remove', path: '/spec/tasks/0' }], ['/spec/tasks/-', '/spec/tasks/0']],
  ])('JSON patch: %s', (_, ops, expected) => expect(paths(staticIssues(ops, ops))).toEqual(expected));

  it('JSON patch: valid ops and moves whose value is only known from the job pass', () => {
    expect(staticIssues(null, [{ op: 'replace', path: '/spec/tasks/0/replicas', value: 3 }, { op: 'copy', from: '/spec/queue', path: '/metadata/labels/q' }, { op: 'test', path: '/status', value: 1 }])).toEqual([]);
  });

  it('merge patch: null removes map entries (fine) but other fields (refused); task lists wait for the job', () => {
    expect(staticIssues({ metadata: { labels: { a: null, b: 'c' }, annotations: null, resourceVersion: '3' }, apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job' })).toEqual([]);
    expect(paths(staticIssues({ metadata: { finalizers: null, resourceVersion: 'x' }, status: null, kind: 'Pod' }))).toEqual(['/metadata/finalizers', '/metadata/resourceVersion', '/status', '/kind']);
    expect(paths(staticIssues({ spec: { minAvailable: -1, tasks: [{ name: 'a', replicas: null }] } }))).toEqual(['/spec/minAvailable']);
    expect(paths(staticIssues({ spec: { tasks: null, queue: 'q' }, metadata: { labels: 'x', annotations: { 'bad key': 'v' } } })).sort()).toEqual(['/metadata/annotations/bad key', '/metadata/labels', '/spec/queue', '/spec/tasks']);
    // A merge patch of only the job's size in minAvailable is not cross-checked without the tasks.
    expect(staticIssues({ spec: { minAvailable: 7 } })).toEqual([]);
  });
});

describe('label and annotation rules (every path: structured bodies name them /labels/..., raw patches /metadata/labels/...)', () => {
  const meta = (m: Record<string, unknown>) => staticIssues({ metadata: m });
  it('accepts prefixed keys and empty values, refuses bad keys and values', () => {
    expect(meta({ labels: { 'app.kubernetes.io/name': 'x', empty: '', gone: null } })).toEqual([]);
    const issues = meta({ labels: { 'bad key': 'v', ok: 'bad value!', 'a/b/c': 'x', [`${'x'.repeat(64)}`]: 'y' } });
    expect(paths(issues)).toEqual(expect.arrayContaining(['/metadata/labels/bad key', '/metadata/labels/ok', '/metadata/labels/a~1b~1c']));
    expect(issues).toHaveLength(4);
  });
  it('checks annotation keys lower-cased and the 256 KiB total', () => {
    expect(meta({ annotations: { 'Example.COM/Owner': 'anything at all, even spaces' } })).toEqual([]);
    expect(paths(meta({ annotations: { big: 'x'.repeat(262_145) } }))).toEqual(['/metadata/annotations']);
  });
});
