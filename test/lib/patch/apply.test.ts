/**
 * Applying patch requests with a fake Volcano Job API that enforces resourceVersion
 * preconditions like the apiserver (409 on a stale one): merge patches for metadata, read-modify-
 * write with re-reads after a conflict for replicas, the caller's precondition as a final 409, and
 * raw patches forwarded once their paths are allowed.
 */
import { describe, expect, it } from 'vitest';
import type { JobApi, PatchContentType, PatchOptions } from '../../../lib/cci/port';
import { PATCH_TYPES } from '../../../lib/cci/port';
import { Deadline } from '../../../lib/core/deadline';
import { AppError } from '../../../lib/core/errors';
import type { VolcanoJob, VolcanoJobList } from '../../../lib/job/model';
import type { PodGroup } from '../../../lib/job/podgroup';
import { applyPatchBody, applyRawPatch, DEFAULT_FIELD_MANAGER } from '../../../lib/patch/apply';
import { failure } from '../../support/errors';

interface PatchCall {
  contentType: PatchContentType;
  patch: string;
  opts: PatchOptions;
}

/** One job in memory; a merge patch carrying a stale metadata.resourceVersion is a 409, as the apiserver answers. */
/** The fake's own job, typed as this test builds it (lib's VolcanoJob leaves every field but the name `unknown`). */
type FakeJob = VolcanoJob & {
  metadata: { resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { minAvailable?: number; tasks?: Array<{ name: string; replicas?: number; minAvailable?: number; [field: string]: unknown }>; [field: string]: unknown };
};

class FakeJobs implements JobApi {
  job: FakeJob;
  gets = 0;
  patches: PatchCall[] = [];
  /** Runs before each patch is applied (a concurrent writer). */
  beforePatch?: (n: number) => void;
  constructor() {
    this.job = {
      metadata: { name: 'j', namespace: 'ns', resourceVersion: '100', labels: { keep: 'yes' } },
      spec: {
        minAvailable: 2,
        tasks: [
          { name: 'master', replicas: 1, template: { spec: { containers: [{ name: 'm' }] } } },
          { name: 'worker', replicas: 2, minAvailable: 2, template: { spec: { containers: [{ name: 'w' }] } } },
        ],
      },
    };
  }
  bump(): void {
    this.job.metadata.resourceVersion = String(Number(this.job.metadata.resourceVersion) + 1);
  }
  async listJobs(): Promise<VolcanoJobList> {
    throw new Error('not used by apply');
  }
  async readJobList(): Promise<never> {
    throw new Error('not used by apply');
  }
  async getPodGroup(): Promise<PodGroup> {
    throw new Error('not used by apply');
  }
  async getJob(): Promise<VolcanoJob> {
    this.gets++;
    return structuredClone(this.job);
  }
  async patchJob(_ns: string, _name: string, contentType: PatchContentType, patch: string, opts: PatchOptions): Promise<VolcanoJob> {
    this.patches.push({ contentType, patch, opts });
    this.beforePatch?.(this.patches.length);
    if (contentType === PATCH_TYPES.json) {
      this.bump();
      return structuredClone(this.job);
    }
    const p = JSON.parse(patch) as { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };
    const rv = p.metadata?.resourceVersion;
    if (rv !== undefined && rv !== this.job.metadata.resourceVersion) throw new AppError(409, 'conflict', 'the object has been modified', { retryable: true });
    if (opts.dryRun) return structuredClone(this.job);
    for (const key of ['labels', 'annotations'] as const) {
      const changes = p.metadata?.[key] as Record<string, string | null> | undefined;
      if (!changes) continue;
      const map = { ...(this.job.metadata[key] ?? {}) };
      for (const [k, v] of Object.entries(changes)) v === null ? delete map[k] : (map[k] = v);
      this.job.metadata[key] = map;
    }
    if (p.spec) this.job.spec = { ...this.job.spec, ...p.spec };
    this.bump();
    return structuredClone(this.job);
  }
}

const ctx = (client: JobApi, fieldManager?: string) => ({ client, deadline: Deadline.after(10_000), ...(fieldManager ? { fieldManager } : {}) });
const parsed = (c: PatchCall) => JSON.parse(c.patch) as Record<string, any>;


describe('applyPatchBody: metadata only', () => {
  it('one merge patch of the maps, no read, default fieldManager', async () => {
    const api = new FakeJobs();
    const out = await applyPatchBody(ctx(api), 'ns', 'j', { labels: { team: 'ml', keep: null }, annotations: { owner: 'a' } });
    expect(api.gets).toBe(0);
    expect(api.patches).toHaveLength(1);
    expect(api.patches[0]!.contentType).toBe(PATCH_TYPES.merge);
    expect(parsed(api.patches[0]!)).toEqual({ metadata: { labels: { team: 'ml', keep: null }, annotations: { owner: 'a' } } });
    expect(api.patches[0]!.opts).toEqual({ dryRun: false, fieldManager: DEFAULT_FIELD_MANAGER });
    expect(out.metadata.labels).toEqual({ team: 'ml' });
  });

  it('fieldManager: the body\'s, else the context\'s; dryRun passed through', async () => {
    const api = new FakeJobs();
    await applyPatchBody(ctx(api, 'from-query'), 'ns', 'j', { labels: { a: 'b' }, dryRun: true });
    await applyPatchBody(ctx(api, 'from-query'), 'ns', 'j', { labels: { a: 'b' }, fieldManager: 'from-body' });
    expect(api.patches.map((p) => p.opts)).toEqual([{ dryRun: true, fieldManager: 'from-query' }, { dryRun: false, fieldManager: 'from-body' }]);
  });

  it('the caller\'s resourceVersion rides along; a mismatch is a final 409 precondition-failed (one call)', async () => {
    const api = new FakeJobs();
    await applyPatchBody(ctx(api), 'ns', 'j', { labels: { a: 'b' }, resourceVersion: '100' });
    expect(parsed(api.patches[0]!).metadata.resourceVersion).toBe('100');
    const e = await failure(applyPatchBody(ctx(api), 'ns', 'j', { labels: { a: 'c' }, resourceVersion: '100' }));
    expect(e).toMatchObject({ status: 409, code: 'precondition-failed', retryable: false });
    expect(e.message).toContain('resourceVersion 100');
    expect(api.patches).toHaveLength(2);
  });

  it('invalid labels are a 422 before any call', async () => {
    const api = new FakeJobs();
    expect(await failure(applyPatchBody(ctx(api), 'ns', 'j', { labels: { 'bad key': 'v' }, replicas: { worker: 1 } }))).toMatchObject({ status: 422, code: 'field-not-updatable', errors: [{ path: '/labels/bad key' }] });
    expect(api.patches).toHaveLength(0);
    expect(api.gets).toBe(0);
  });

  it('other upstream errors pass through unchanged', async () => {
    const api = new FakeJobs();
    const down = new AppError(503, 'cci-unavailable', 'down');
    api.patchJob = async () => {
      throw down;
    };
    expect(await failure(applyPatchBody(ctx(api), 'ns', 'j', { labels: { a: 'b' }, resourceVersion: '100' }))).toBe(down);
  });
});

describe('applyPatchBody: replicas and minAvailable', () => {
  it('reads, rebuilds spec.tasks (templates kept) and writes with the read resourceVersion', async () => {
    const api = new FakeJobs();
    const out = await applyPatchBody(ctx(api), 'ns', 'j', { replicas: { worker: 4 }, labels: { scaled: 'yes' } });
    expect(api.gets).toBe(1);
    const p = parsed(api.patches[0]!);
    expect(p.metadata).toEqual({ labels: { scaled: 'yes' }, resourceVersion: '100' });
    expect(p.spec.tasks).toEqual([
      { name: 'master', replicas: 1, template: { spec: { containers: [{ name: 'm' }] } } },
      { name: 'worker', replicas: 4, minAvailable: 2, template: { spec: { containers: [{ name: 'w' }] } } },
    ]);
    expect((out as FakeJob).spec?.tasks?.[1]?.replicas).toBe(4);
  });

  it('a concurrent write between read and write: re-read and re-apply on top of it', async () => {
    const api = new FakeJobs();
    api.beforePatch = (n) => {
      if (n === 1) {
        api.job.metadata.labels = { ...api.job.metadata.labels, other: 'writer' };
        api.bump();
      }
    };
    const out = await applyPatchBody(ctx(api), 'ns', 'j', { replicas: { worker: 3 } });
    expect(api.gets).toBe(2);
    expect(api.patches.map((p) => parsed(p).metadata.resourceVersion)).toEqual(['100', '101']);
    expect(out.metadata.labels).toEqual({ keep: 'yes', other: 'writer' });
    expect((out as FakeJob).spec?.tasks?.[1]?.replicas).toBe(3);
  });

  it('a job that keeps changing: 409 conflict after 5 attempts', async () => {
    const api = new FakeJobs();
    api.beforePatch = () => api.bump();
    const e = await failure(applyPatchBody(ctx(api), 'ns', 'j', { replicas: { worker: 3 } }));
    expect(e).toMatchObject({ status: 409, code: 'conflict', retryable: true });
    expect(api.gets).toBe(5);
    expect(api.patches).toHaveLength(5);
  });

  it('the caller\'s resourceVersion: checked against the read, never retried', async () => {
    const api = new FakeJobs();
    const stale = await failure(applyPatchBody(ctx(api), 'ns', 'j', { replicas: { worker: 3 }, resourceVersion: '99' }));
    expect(stale).toMatchObject({ status: 409, code: 'precondition-failed', message: expect.stringContaining('is at resourceVersion 100, not resourceVersion 99') });
    expect(api.patches).toHaveLength(0);
    api.beforePatch = () => api.bump();
    const raced = await failure(applyPatchBody(ctx(api), 'ns', 'j', { replicas: { worker: 3 }, resourceVersion: '100' }));
    expect(raced.code).toBe('precondition-failed');
    expect(api.gets).toBe(2);
  });

  it('nothing to write when the job is already as asked', async () => {
    const api = new FakeJobs();
    const out = await applyPatchBody(ctx(api), 'ns', 'j', { replicas: { worker: 2 }, labels: { keep: 'yes' } });
    expect(api.patches).toHaveLength(0);
    expect(out.metadata.resourceVersion).toBe('100');
  });

  it('minAvailable alone, and planning errors (422) before any write', async () => {
    const api = new FakeJobs();
    await applyPatchBody(ctx(api), 'ns', 'j', { minAvailable: 3 });
    expect(parsed(api.patches[0]!).spec).toEqual({ minAvailable: 3 });
    expect(await failure(applyPatchBody(ctx(api), 'ns', 'j', { replicas: { nope: 1 } }))).toMatchObject({ status: 422, code: 'unknown-task' });
    expect(await failure(applyPatchBody(ctx(api), 'ns', 'j', { minAvailable: 99 }))).toMatchObject({ status: 422, code: 'below-min-available' });
    expect(api.patches).toHaveLength(1);
  });
});

describe('applyRawPatch', () => {
  it('a JSON patch is checked against the job as read and forwarded as sent, plus the read resourceVersion as precondition', async () => {
    const api = new FakeJobs();
    const ops = [{ op: 'replace', path: '/spec/tasks/1/replicas', value: 3 }];
    await applyRawPatch(ctx(api), 'ns', 'j', PATCH_TYPES.json, ops, JSON.stringify(ops), { dryRun: true, fieldManager: 'fm' });
    expect(api.gets).toBe(1);
    expect(api.patches).toEqual([{ contentType: PATCH_TYPES.json, patch: JSON.stringify([...ops, { op: 'replace', path: '/metadata/resourceVersion', value: '100' }]), opts: { dryRun: true, fieldManager: 'fm' } }]);
    // Statically refused: no read, no write.
    expect(await failure(applyRawPatch(ctx(api), 'ns', 'j', PATCH_TYPES.json, [{ op: 'replace', path: '/spec/queue', value: 'x' }], '', {}))).toMatchObject({ status: 422 });
    expect(await failure(applyRawPatch(ctx(api), 'ns', 'j', PATCH_TYPES.json, [{ op: 'replace', path: '/spec/tasks/1/replicas', value: null }], '', {}))).toMatchObject({ status: 422 });
    expect([api.gets, api.patches.length]).toEqual([1, 1]);
    // Refused once applied to the job: a task's minAvailable above its replicas.
    expect(await failure(applyRawPatch(ctx(api), 'ns', 'j', PATCH_TYPES.json, [{ op: 'replace', path: '/spec/tasks/1/replicas', value: 1 }], '', {}))).toMatchObject({ status: 422, errors: [{ path: '/spec/tasks/1/minAvailable' }] });
    expect(api.patches).toHaveLength(1);
  });

  it('a merge patch of metadata is forwarded as sent; its resourceVersion makes a 409 final', async () => {
    const api = new FakeJobs();
    const text = '{"metadata":{"labels":{"a":"b"}}}';
    await applyRawPatch(ctx(api), 'ns', 'j', PATCH_TYPES.merge, JSON.parse(text), text, {});
    expect(api.patches[0]).toEqual({ contentType: PATCH_TYPES.merge, patch: text, opts: { dryRun: false, fieldManager: DEFAULT_FIELD_MANAGER } });
    const stale = '{"metadata":{"labels":{"a":"c"},"resourceVersion":"1"}}';
    expect(await failure(applyRawPatch(ctx(api), 'ns', 'j', PATCH_TYPES.merge, JSON.parse(stale), stale, {}))).toMatchObject({ status: 409, code: 'precondition-failed' });
    expect(api.gets).toBe(0);
  });

  it('a merge patch replacing tasks is checked against the job and written conditionally, re-read after a conflict', async () => {
    const api = new FakeJobs();
    const tasks = structuredClone(api.job.spec!.tasks!);
    tasks[1]!.replicas = 5;
    const doc = { spec: { tasks } };
    api.beforePatch = (n) => n === 1 && api.bump();
    await applyRawPatch(ctx(api), 'ns', 'j', PATCH_TYPES.merge, doc, JSON.stringify(doc), {});
    expect(api.gets).toBe(2);
    expect(api.patches.map((p) => parsed(p).metadata.resourceVersion)).toEqual(['100', '101']);
    expect(api.job.spec?.tasks?.[1]?.replicas).toBe(5);
  });

  it('a tasks replacement that changes other task fields, or disagrees with the caller\'s version, is refused', async () => {
    const api = new FakeJobs();
    const renamed = structuredClone(api.job.spec!.tasks!);
    renamed[0]!.name = 'boss';
    expect(await failure(applyRawPatch(ctx(api), 'ns', 'j', PATCH_TYPES.merge, { spec: { tasks: renamed } }, '', {}))).toMatchObject({ status: 422, code: 'field-not-updatable' });
    const doc = { metadata: { resourceVersion: '42' }, spec: { tasks: structuredClone(api.job.spec!.tasks!) } };
    expect(await failure(applyRawPatch(ctx(api), 'ns', 'j', PATCH_TYPES.merge, doc, '', {}))).toMatchObject({ status: 409, code: 'precondition-failed' });
    expect(api.patches).toHaveLength(0);
  });
});
