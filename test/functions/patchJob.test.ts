/**
 * patchJob end to end against the emulator: structured and raw patches, every status row of the
 * contract for PATCH, and concurrent writers on one job losing nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, SEED_JOB_OPENMPI_HELLO_2, type Emulator, type Job } from '../../emulator';
import { CLEAN_ENV, setEnv } from '../support/env';
import { callHttp, coldHandler, contextFor } from '../support/harness';
import { answer, httpEvent, SEED_NS, TEST_SECRET, type Platform } from '../support/http-events';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emu.close();
});

const NAME = 'openmpi-hello-2-com';
let handler: Awaited<ReturnType<typeof coldHandler>>;

beforeEach(async () => {
  emu.clearFaults();
  // The seed as CCI's example shows it, minus the label that example patch added.
  const seed = structuredClone(SEED_JOB_OPENMPI_HELLO_2) as Job;
  delete seed.metadata.labels;
  emu.putJob(SEED_NS, seed);
  emu.resetStats();
  setEnv({
    ...CLEAN_ENV,
    CCI_ENDPOINT: emu.url,
    CCI_TOKEN: 'local-dev-token',
    ALLOWED_NAMESPACES: SEED_NS,
    WEBHOOK_SECRET: TEST_SECRET,
  });
  handler = await coldHandler('patchJob');
});

interface PatchOptions {
  platform?: Platform;
  contentType?: string;
  query?: Array<[string, string]>;
  name?: string;
  namespace?: string;
  remainingMs?: number;
  secret?: string | null;
}

const patchOn = (body: unknown, o: PatchOptions = {}) =>
  callHttp(
    handler,
    o.platform ?? 'aws',
    'patchJob',
    {
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...(o.contentType ? { contentType: o.contentType } : {}),
      ...(o.secret !== undefined ? { secret: o.secret } : {}),
      ...(o.namespace ? { namespace: o.namespace } : {}),
      query: o.query ?? [],
      name: o.name ?? NAME,
    },
    o.remainingMs ?? 15_000,
  );

const patch = patchOn;
const stored = () => emu.getJob(SEED_NS, NAME)!;
const tasks = (job: { spec?: unknown }) => (job.spec as { tasks: Array<{ name: string; replicas: number; minAvailable?: number; template: unknown }> }).tasks;

describe.each<Platform>(['aws', 'functiongraph'])('patchJob 200 on %s', (platform) => {
  it('sets and removes labels (prefixed keys too) and annotations', async () => {
    await patch({ labels: { obsolete: 'x' } }, { platform });
    const res = await patch({ labels: { app: 'patchlabel', 'app.kubernetes.io/name': 'mpi', obsolete: null }, annotations: { owner: 'team-a' } }, { platform });
    expect(res.statusCode).toBe(200);
    expect(res.json.metadata.labels).toEqual({ app: 'patchlabel', 'app.kubernetes.io/name': 'mpi' });
    expect(stored().metadata.annotations).toEqual({ owner: 'team-a' });
    expect(stored().metadata.generation).toBe(1); // metadata only: no new generation
  });

  it('scales one task by name, leaving the other and every template as they were', async () => {
    const before = stored();
    const res = await patch({ replicas: { mpiworker: 4 } }, { platform, query: [['view', 'summary']] });
    expect(res.statusCode).toBe(200);
    expect(res.json.tasks).toEqual([
      { name: 'mpimaster', replicas: 1 },
      { name: 'mpiworker', replicas: 4 },
    ]);
    const after = stored();
    expect(tasks(after).map((t) => t.replicas)).toEqual([1, 4]);
    expect(tasks(after).map((t) => t.template)).toEqual(tasks(before).map((t) => t.template));
    expect(after.metadata.generation).toBe(2);
  });
});

describe('patchJob semantics', () => {
  it('dryRun answers with the change and persists nothing', async () => {
    const rv = stored().metadata.resourceVersion;
    const res = await patch({ labels: { app: 'dry' }, replicas: { mpiworker: 3 }, dryRun: true });
    expect(res.statusCode).toBe(200);
    expect(res.json.metadata.labels).toEqual({ app: 'dry' });
    expect(tasks(res.json)[1]!.replicas).toBe(3);
    expect(stored().metadata.labels).toBeUndefined();
    expect(stored().metadata.resourceVersion).toBe(rv);
    expect(emu.requests().some((r) => r.method === 'PATCH' && r.query.includes('dryRun=All'))).toBe(true);
  });

  it('a task scaled below its own minAvailable takes the new count; gang size changes need minAvailable', async () => {
    const job = structuredClone(stored());
    job.spec.minAvailable = 3;
    job.spec.tasks[1]!.minAvailable = 2;
    emu.putJob(SEED_NS, job);
    const refused = await patch({ replicas: { mpiworker: 1 } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json.detail).toMatch(/below the job's minAvailable 3/);
    const ok = await patch({ replicas: { mpiworker: 1 }, minAvailable: 2 });
    expect(ok.statusCode).toBe(200);
    expect(tasks(stored())[1]).toMatchObject({ replicas: 1, minAvailable: 1 });
    expect(stored().spec.minAvailable).toBe(2);
  });

  it('409 when the resourceVersion precondition is stale, on both the label and the replica path', async () => {
    const rv = stored().metadata.resourceVersion!;
    expect((await patch({ labels: { a: '1' }, resourceVersion: rv })).statusCode).toBe(200);
    const stale1 = await patch({ labels: { a: '2' }, resourceVersion: rv });
    expect(stale1.statusCode).toBe(409);
    const stale2 = await patch({ replicas: { mpiworker: 5 }, resourceVersion: rv });
    expect(stale2.statusCode).toBe(409);
    expect(stale2.json.detail).toContain(rv);
    expect(stored().metadata.labels).toEqual({ a: '1' });
  });

  it('raw merge and JSON patches within the updatable fields are forwarded', async () => {
    const merge = await patch({ metadata: { labels: { raw: 'merge' } }, spec: { minAvailable: 2 } }, { contentType: 'application/merge-patch+json' });
    expect(merge.statusCode).toBe(200);
    expect(stored().spec.minAvailable).toBe(2);
    const json = await patch(
      [
        { op: 'replace', path: '/spec/tasks/1/replicas', value: 6 },
        { op: 'add', path: '/metadata/labels/app.kubernetes.io~1part-of', value: 'mpi' },
      ],
      { contentType: 'application/json-patch+json; charset=utf-8' },
    );
    expect(json.statusCode).toBe(200);
    expect(tasks(stored())[1]!.replicas).toBe(6);
    expect(stored().metadata.labels!['app.kubernetes.io/part-of']).toBe('mpi');
    const t = structuredClone(tasks(stored()));
    t[0]!.replicas = 2;
    const replaced = await patch({ spec: { tasks: t } }, { contentType: 'application/merge-patch+json' });
    expect(replaced.statusCode).toBe(200);
    expect(tasks(stored()).map((x) => x.replicas)).toEqual([2, 6]);
  });

  it('raw dryRun and fieldManager come from the query', async () => {
    const res = await patch({ metadata: { labels: { q: 'dry' } } }, { contentType: 'application/merge-patch+json', query: [['dryRun', 'All'], ['fieldManager', 'ci-bot']] });
    expect(res.statusCode).toBe(200);
    expect(stored().metadata.labels).toBeUndefined();
    expect(emu.requests().find((r) => r.method === 'PATCH')!.query).toContain('fieldManager=ci-bot');
  });
});

describe.each<Platform>(['aws', 'functiongraph'])('patchJob refusals on %s', (platform) => {
  const patch = (body: unknown, o: PatchOptions = {}) => patchOn(body, { platform, ...o });

  it('400: not JSON, schema mismatch, empty change, bad path parameter', async () => {
    const notJson = await patch('{"labels":');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.headers['content-type']).toBe('application/problem+json');
    const schema = await patch({ labels: { a: 1 }, replicas: { mpiworker: -1 }, color: 'red' });
    expect(schema.statusCode).toBe(400);
    expect(schema.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/color', '/labels/a', '/replicas/mpiworker']);
    expect((await patch({ dryRun: true })).statusCode).toBe(400);
    expect((await patch({ labels: { a: 'b' } }, { name: 'UPPER' })).statusCode).toBe(400);
    expect(emu.stats().cci.total).toBe(0);
  });

  it('401: unsigned, wrongly signed, or a body changed after signing', async () => {
    expect((await patch({ labels: { a: 'b' } }, { secret: null })).statusCode).toBe(401);
    expect((await patch({ labels: { a: 'b' } }, { secret: 'not-the-secret' })).statusCode).toBe(401);
    const ev = httpEvent(platform, 'patchJob', { body: JSON.stringify({ labels: { a: 'b' } }), name: NAME });
    const tampered = JSON.stringify({ labels: { a: 'c' } });
    ev.body = platform === 'functiongraph' ? Buffer.from(tampered).toString('base64') : tampered;
    expect(answer(await handler(ev, contextFor(platform))).statusCode).toBe(401);
    expect(emu.stats().cci.total).toBe(0);
    expect(stored().metadata.labels).toBeUndefined();
  });

  it('403: a namespace outside ALLOWED_NAMESPACES changes nothing', async () => {
    const res = await patch({ labels: { a: 'b' } }, { namespace: 'other-ns' });
    expect(res.statusCode).toBe(403);
    expect(emu.stats().cci.total).toBe(0);
  });

  it('404: no such job on the label path and the replica path', async () => {
    expect((await patch({ labels: { a: 'b' } }, { name: 'missing-job' })).statusCode).toBe(404);
    expect((await patch({ replicas: { w: 1 } }, { name: 'missing-job' })).statusCode).toBe(404);
  });

  it('413 over 1 MiB, 415 for other content types (strategic merge included)', async () => {
    expect((await patch({ annotations: { big: 'x'.repeat(1024 * 1024) } })).statusCode).toBe(413);
    expect((await patch({ labels: { a: 'b' } }, { contentType: 'text/plain' })).statusCode).toBe(415);
    expect((await patch({ metadata: { labels: { a: 'b' } } }, { contentType: 'application/strategic-merge-patch+json' })).statusCode).toBe(415);
    expect(emu.stats().cci.total).toBe(0);
  });

  it('422: unknown task (listing the known ones), invalid labels, raw patches outside the updatable fields', async () => {
    const unknown = await patch({ replicas: { launcher: 1 } });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json.detail).toContain('"mpimaster", "mpiworker"');
    const label = await patch({ labels: { 'bad key!': 'v' } });
    expect(label.statusCode).toBe(422);
    expect(label.json.errors[0].path).toBe('/labels/bad key!');
    emu.resetStats();
    expect((await patch({ spec: { queue: 'other' } }, { contentType: 'application/merge-patch+json' })).statusCode).toBe(422);
    expect((await patch([{ op: 'replace', path: '/spec/schedulerName', value: 'x' }], { contentType: 'application/json-patch+json' })).statusCode).toBe(422);
    expect(emu.stats().cci.total).toBe(0);
    const t = structuredClone(tasks(stored())) as Array<Record<string, unknown>>;
    t[0]!.policies = [];
    expect((await patch({ spec: { tasks: t } }, { contentType: 'application/merge-patch+json' })).statusCode).toBe(422);
    expect(emu.stats().cci.patch).toBe(0);
  });

  it('422 from CCI itself is passed on with its causes (a failed JSON-patch test)', async () => {
    const res = await patch([{ op: 'test', path: '/metadata/labels/none', value: 'x' }, { op: 'add', path: '/metadata/labels/a', value: 'b' }], {
      contentType: 'application/json-patch+json',
    });
    expect(res.statusCode).toBe(422);
  });

  it('502 / 503 / 504 from upstream trouble', async () => {
    emu.addFault({ method: 'PATCH', action: { type: 'garbage' } });
    expect((await patch({ labels: { a: 'b' } })).statusCode).toBe(502);
    emu.addFault({ method: 'PATCH', times: Infinity, action: { type: 'status', status: 500 } });
    const unavailable = await patch({ labels: { a: 'b' } });
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.headers['retry-after']).toBeDefined();
    emu.clearFaults();
    emu.addFault({ method: 'PATCH', times: Infinity, action: { type: 'hang' } });
    const started = Date.now();
    expect((await patch({ labels: { a: 'b' } }, { remainingMs: 1_500 })).statusCode).toBe(504);
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});

describe('concurrent writers on one job', () => {
  it('20 label patches and replica changes on both tasks, all at once: nothing is lost', async () => {
    const labelPatches = Array.from({ length: 20 }, (_, i) => patch({ labels: { [`l${i}`]: `v${i}` } }));
    const replicaPatches = [patch({ replicas: { mpimaster: 3 } }), patch({ replicas: { mpiworker: 5 } }), patch({ annotations: { note: 'x' }, replicas: { mpiworker: 5 } })];
    const results = await Promise.all([...labelPatches, ...replicaPatches]);
    expect(results.map((r) => r.statusCode)).toEqual(results.map(() => 200));
    const job = stored();
    expect(Object.keys(job.metadata.labels!).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `l${i}`).sort());
    expect(tasks(job).map((t) => [t.name, t.replicas])).toEqual([
      ['mpimaster', 3],
      ['mpiworker', 5],
    ]);
    expect(job.metadata.annotations).toEqual({ note: 'x' });
  });
});
