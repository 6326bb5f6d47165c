/**
 * The Volcano Job API client against the emulator over real HTTP: paths and queries, the status →
 * AppError table, the 401 drop-and-retry-once, 429 with Retry-After, 503/504 after retries, and
 * answers that are not Jobs, and `discardAnswer` (the sweep's annotation writes). A tiny back-off
 * keeps retries fast; the attempt count is the preset's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SEED_NAMESPACE } from '../../../emulator';
import { CciClient, jobPath, PATCH_TYPES, queryString } from '../../../lib/cci/client';
import { Deadline } from '../../../lib/core/deadline';
import { staticTokenAuth } from '../../../lib/credentials/static-token';
import type { CciAuth } from '../../../lib/credentials/port';
import type { Backoff } from '../../../lib/upstream/retry';
import { useEmulator } from '../../support/harness';
import { scanJobList } from '../../../lib/job/model';
import { failure } from '../../support/errors';

const TINY: Backoff = { steps: 3, durationMs: 1, factor: 1, jitter: 0, attemptTimeoutMs: 2_000 };
const JOB = 'openmpi-hello-3-com';

const emu = useEmulator();

const client = (auth: CciAuth = staticTokenAuth('local-dev-token'), backoff = TINY) => new CciClient({ endpoint: `${emu.url}/`, auth, backoff });
const d = (ms = 10_000) => Deadline.after(ms);
const cciRequests = () => emu.requests().filter((r) => r.service === 'cci');


describe('CciClient: calls', () => {
  it('getJob reads the job at the Volcano path (trailing slash of the endpoint dropped)', async () => {
    const job = await client().getJob(SEED_NAMESPACE, JOB, d());
    expect(job.metadata).toMatchObject({ name: JOB, namespace: SEED_NAMESPACE });
    expect(cciRequests().map((r) => `${r.method} ${r.path}`)).toEqual([`GET /apis/batch.volcano.sh/v1alpha1/namespaces/${SEED_NAMESPACE}/jobs/${JOB}`]);
  });

  it('patchJob sends the body with its content type, dryRun=All and fieldManager', async () => {
    const before = (emu.getJob(SEED_NAMESPACE, JOB)!.metadata.labels as Record<string, string> | undefined)?.team;
    const patched = await client().patchJob(SEED_NAMESPACE, JOB, PATCH_TYPES.merge, '{"metadata":{"labels":{"team":"dry"}}}', { dryRun: true, fieldManager: 'fm-1' }, d());
    expect((patched.metadata.labels as Record<string, string>).team).toBe('dry');
    expect((emu.getJob(SEED_NAMESPACE, JOB)!.metadata.labels as Record<string, string> | undefined)?.team).toBe(before);
    const [req] = cciRequests();
    expect(req).toMatchObject({ method: 'PATCH', contentType: PATCH_TYPES.merge, body: '{"metadata":{"labels":{"team":"dry"}}}' });
    expect(new URLSearchParams(req!.query)).toEqual(new URLSearchParams({ dryRun: 'All', fieldManager: 'fm-1' }));

    const json = await client().patchJob(SEED_NAMESPACE, 'openmpi-hello-2-com', PATCH_TYPES.json, '[{"op":"add","path":"/metadata/annotations","value":{"x":"y"}}]', {}, d());
    expect(json.metadata.annotations).toEqual({ x: 'y' });
    expect(cciRequests()[1]).toMatchObject({ contentType: PATCH_TYPES.json, query: '' });
  });

  it('listJobs passes labelSelector, limit and continue', async () => {
    emu.createJobs('list-ns', 5, { prefix: 'l', labels: { app: 'x' } });
    const first = await client().listJobs('list-ns', { labelSelector: 'app=x', limit: 2 }, d());
    expect(first.items.map((j) => j.metadata.name)).toEqual(['l-00000', 'l-00001']);
    const next = await client().listJobs('list-ns', { labelSelector: 'app=x', limit: 2, continue: first.metadata!.continue! }, d());
    expect(next.items.map((j) => j.metadata.name)).toEqual(['l-00002', 'l-00003']);
    expect(new URLSearchParams(cciRequests()[1]!.query).get('continue')).toBe(first.metadata!.continue);
  });

  it('readJobList + scanJobList visit the jobs listJobs returns, page by page, with the same continue token', async () => {
    emu.createJobs('scan-ns', 5, { prefix: 's', labels: { app: 'y' } });
    const listed = await client().listJobs('scan-ns', { labelSelector: 'app=y', limit: 3 }, d());
    const seen: unknown[] = [];
    const page = await client().readJobList('scan-ns', { labelSelector: 'app=y', limit: 3 }, d(), (b) => scanJobList(b, (job) => seen.push(job)));
    expect(seen).toEqual(listed.items);
    expect(page.jobs).toBe(3);
    expect(typeof page.continue).toBe('string');
    expect(page.bytes).toBeGreaterThan(JSON.stringify(listed.items).length);
    const rest: string[] = [];
    const last = await client().readJobList('scan-ns', { labelSelector: 'app=y', limit: 3, continue: page.continue! }, d(), (b) => scanJobList(b, (job) => rest.push(job.metadata.name)));
    expect(rest).toEqual(['s-00003', 's-00004']);
    expect(last.continue || undefined).toBeUndefined();
  });

  it('readJobList refuses what its reader refuses (502) and fails as listJobs does (404); the buffer goes back each time', async () => {
    for (const body of ['{"kind":"Job","metadata":{"name":"x"}}', '{"items":[{"kind":"Job","apiVersion":"v","metadata":{"name":"a"}},{"kind":"Status"}]}', '<html>']) {
      emu.addFault({ action: { type: 'status', status: 200, body } });
      expect(await failure(client().readJobList(SEED_NAMESPACE, {}, d(), (b) => scanJobList(b, () => {})))).toMatchObject({ status: 502, code: 'cci-bad-answer', message: expect.stringMatching(/not a JobList/) });
    }
    emu.addFault({ method: 'GET', action: { type: 'status', status: 404, message: 'namespaces "gone" not found' } });
    expect(await failure(client().readJobList('gone', {}, d(), (b) => scanJobList(b, () => {})))).toMatchObject({ status: 404, message: expect.stringContaining('namespaces "gone" not found') });
    // The pooled buffer went back after each: the next page reads fine.
    const names: string[] = [];
    await client().readJobList(SEED_NAMESPACE, {}, d(), (b) => scanJobList(b, (job) => names.push(job.metadata.name)));
    expect(names).toContain(JOB);
  });

  it('an answer over maxBodyBytes is a 502 cci-answer-too-large naming the call, not retried', async () => {
    emu.createJobs('big-ns', 20, { prefix: 'b' });
    const small = new CciClient({ endpoint: emu.url, auth: staticTokenAuth('local-dev-token'), maxBodyBytes: 2_000 });
    const before = cciRequests().length;
    const e = await failure(small.readJobList('big-ns', {}, d(), (b) => scanJobList(b, () => {})));
    expect(e).toMatchObject({ status: 502, code: 'cci-answer-too-large', retryable: false, message: expect.stringContaining('jobs of namespace "big-ns"') });
    expect(cciRequests().length - before).toBe(1);
    // The same call with a page that fits.
    const names: string[] = [];
    await small.readJobList('big-ns', { limit: 1 }, d(), (b) => scanJobList(b, (job) => names.push(job.metadata.name)));
    expect(names).toEqual(['b-00000']);
  });

  it('escapes names into their URL segment', () => {
    expect(jobPath('ns', 'a/b c')).toBe('/apis/batch.volcano.sh/v1alpha1/namespaces/ns/jobs/a%2Fb%20c');
    expect(jobPath('../x', 'j')).toBe('/apis/batch.volcano.sh/v1alpha1/namespaces/..%2Fx/jobs/j');
  });
});

describe('CciClient: status → AppError', () => {
  it('404 on a job names the job; on a list keeps CCI\'s message', async () => {
    const e = await failure(client().getJob(SEED_NAMESPACE, 'no-such-job', d()));
    expect(e).toMatchObject({ status: 404, code: 'job-not-found', retryable: false, message: `No such job "${SEED_NAMESPACE}/no-such-job"` });
    emu.addFault({ method: 'GET', action: { type: 'status', status: 404, message: 'namespaces "gone" not found' } });
    const l = await failure(client().listJobs('gone', {}, d()));
    expect(l).toMatchObject({ status: 404, code: 'job-not-found' });
    expect(l.message).toContain('namespaces "gone" not found');
  });

  it.each([
    [409, 409, 'conflict', true],
    [410, 410, 'continue-expired', true],
    [413, 413, 'too-large', false],
    [400, 422, 'cci-rejected', false],
    [422, 422, 'cci-rejected', false],
    [403, 502, 'cci-forbidden', true],
    [418, 502, 'cci-unexpected', true],
    [405, 502, 'cci-unexpected', true],
  ])('CCI %d → %d %s (retryable %s), not retried', async (upstream, status, code, retryable) => {
    emu.addFault({ times: Infinity, action: { type: 'status', status: upstream } });
    const e = await failure(client().getJob(SEED_NAMESPACE, JOB, d()));
    expect(e).toMatchObject({ status, code, retryable });
    expect(emu.stats().cci.get).toBe(1);
  });

  it('422 carries the Status causes as field errors', async () => {
    const body = JSON.stringify({
      kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 422, reason: 'Invalid', message: 'Job.batch.volcano.sh "j" is invalid',
      details: { causes: [{ field: 'spec.tasks[0].replicas', message: 'must be greater than or equal to 0', reason: 'FieldValueInvalid' }] },
    });
    emu.addFault({ action: { type: 'status', status: 422, body } });
    const e = await failure(client().patchJob(SEED_NAMESPACE, JOB, PATCH_TYPES.merge, '{}', {}, d()));
    expect(e).toMatchObject({ status: 422, code: 'cci-rejected', errors: [{ path: 'spec.tasks[0].replicas', message: 'must be greater than or equal to 0' }] });
  });

  it("Volcano's webhook denial as the emulator answers it (400, a Status with an empty reason) → 422 with the webhook's message, once", async () => {
    // A real denial, not a fault: Volcano refuses adding a task.
    const job = emu.getJob(SEED_NAMESPACE, JOB)!;
    const tasks = [...job.spec.tasks, { ...job.spec.tasks[0]!, name: 'extra' }];
    const e = await failure(client().patchJob(SEED_NAMESPACE, JOB, PATCH_TYPES.merge, JSON.stringify({ spec: { tasks } }), {}, d()));
    expect(e).toMatchObject({ status: 422, code: 'cci-rejected', retryable: false });
    expect(e.message).toBe('CCI refused the change: 400: admission webhook "validatejob.volcano.sh" denied the request: job updates may not add or remove tasks');
    expect(e.errors).toBeUndefined();
    expect(cciRequests().map((r) => r.status)).toEqual([400]);
  });

  it('a 403 webhook denial (policy webhooks such as Gatekeeper) is 422 too, not a credentials problem; a plain 403 stays 502', async () => {
    const denied = 'admission webhook "validation.gatekeeper.sh" denied the request: [must-have-owner] you must provide labels: {"owner"}';
    emu.addFault({ method: 'PATCH', action: { type: 'status', status: 403, body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 403, reason: 'Forbidden', message: denied }) } });
    const e = await failure(client().patchJob(SEED_NAMESPACE, JOB, PATCH_TYPES.merge, '{"metadata":{"labels":{"a":"b"}}}', {}, d()));
    expect(e).toMatchObject({ status: 422, code: 'cci-rejected', retryable: false });
    expect(e.message).toBe(`CCI refused the change: 403 (Forbidden): ${denied}`);
    emu.addFault({ method: 'PATCH', action: { type: 'status', status: 403, message: 'jobs.batch.volcano.sh "j" is forbidden: User "u" cannot patch resource "jobs"' } });
    const rbac = await failure(client().patchJob(SEED_NAMESPACE, JOB, PATCH_TYPES.merge, '{"metadata":{"labels":{"a":"b"}}}', {}, d()));
    expect(rbac).toMatchObject({ status: 502, code: 'cci-forbidden' });
  });

  it("a list's 400 (a continue token the apiserver will not take) says it was the list, not a change", async () => {
    const e = await failure(client().listJobs(SEED_NAMESPACE, { limit: 1, continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ==' }, d()));
    expect(e).toMatchObject({ status: 422, code: 'cci-rejected', retryable: false });
    expect(e.message).toMatch(new RegExp(`^CCI refused the request for jobs of namespace "${SEED_NAMESPACE}": 400 \\(BadRequest\\): .*continue`));
  });

  it('an answer that is not a Job (HTML, other JSON, a JobList) is a 502', async () => {
    emu.addFault({ action: { type: 'garbage', kind: 'html' } });
    expect(await failure(client().getJob(SEED_NAMESPACE, JOB, d()))).toMatchObject({ status: 502, code: 'cci-bad-answer' });
    emu.addFault({ action: { type: 'garbage', kind: 'json' } });
    expect(await failure(client().getJob(SEED_NAMESPACE, JOB, d()))).toMatchObject({ status: 502, code: 'cci-bad-answer' });
    emu.addFault({ action: { type: 'status', status: 200, body: '{"kind":"JobList","items":[]}' } });
    const e = await failure(client().getJob(SEED_NAMESPACE, JOB, d()));
    expect(e.message).toMatch(/not a Job/);
    emu.addFault({ action: { type: 'status', status: 200, body: '{"kind":"Job","metadata":{"name":"x"}}' } });
    expect(await failure(client().listJobs(SEED_NAMESPACE, {}, d()))).toMatchObject({ status: 502, code: 'cci-bad-answer', message: expect.stringMatching(/not a JobList/) });
  });
});

describe('CciClient: 401', () => {
  /** Hands out tokens in order; counts how often the client reported a 401. */
  function rotatingAuth(tokens: string[], retry = true) {
    const used: string[] = [];
    let unauthorized = 0;
    const auth: CciAuth = {
      kind: 'iam-token',
      fingerprint: 'test',
      authorize: async (req) => {
        const t = tokens[Math.min(used.length, tokens.length - 1)]!;
        used.push(t);
        return { ...req.headers, 'x-auth-token': t };
      },
      unauthorized: () => (unauthorized++, retry),
    };
    return { auth, used, unauthorizedCalls: () => unauthorized };
  }

  it('a dropped token is replaced once: one more exchange, with the fresh token', async () => {
    const a = rotatingAuth(['stale-token', 'local-dev-token']);
    const job = await client(a.auth).getJob(SEED_NAMESPACE, JOB, d());
    expect(job.metadata.name).toBe(JOB);
    expect(a.used).toEqual(['stale-token', 'local-dev-token']);
    expect(a.unauthorizedCalls()).toBe(1);
    expect(cciRequests().map((r) => r.status)).toEqual([401, 200]);
  });

  it('a second 401 is final: 502 cci-credentials-refused after two exchanges, the token not echoed', async () => {
    const a = rotatingAuth(['bad-token-1', 'bad-token-2']);
    const e = await failure(client(a.auth).getJob(SEED_NAMESPACE, JOB, d()));
    expect(e).toMatchObject({ status: 502, code: 'cci-credentials-refused' });
    expect(e.message).not.toMatch(/bad-token/);
    expect(cciRequests()).toHaveLength(2);
  });

  it('credentials that cannot be refreshed (static token): no second exchange', async () => {
    const e = await failure(client(staticTokenAuth('wrong-static')).getJob(SEED_NAMESPACE, JOB, d()));
    expect(e).toMatchObject({ status: 502, code: 'cci-credentials-refused' });
    expect(cciRequests()).toHaveLength(1);
  });
});

describe('CciClient: transient failures', () => {
  it('429 with Retry-After is waited out, then succeeds', async () => {
    emu.addFault({ action: { type: 'status', status: 429, shape: 'text', retryAfter: 1 } });
    const started = Date.now();
    await client().getJob(SEED_NAMESPACE, JOB, d());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(emu.stats().cci.get).toBe(2);
  });

  it('429 whose Retry-After does not fit the deadline: 503 at once, with the server\'s Retry-After', async () => {
    emu.addFault({ action: { type: 'status', status: 429, retryAfter: 30 } });
    const started = Date.now();
    const e = await failure(client().getJob(SEED_NAMESPACE, JOB, d(5_000)));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(e).toMatchObject({ status: 503, code: 'cci-unavailable', retryAfterSeconds: 30 });
  });

  it('503 through every attempt: 503 cci-unavailable with a Retry-After, after `steps` exchanges', async () => {
    emu.addFault({ times: Infinity, action: { type: 'status', status: 503, shape: 'gateway' } });
    const e = await failure(client().getJob(SEED_NAMESPACE, JOB, d()));
    expect(e).toMatchObject({ status: 503, code: 'cci-unavailable', retryAfterSeconds: 5, retryable: true });
    expect(e.message).toMatch(/APIGW\.0201/);
    expect(emu.stats().cci.get).toBe(TINY.steps);
  });

  it('a 503 burst and connection resets are retried away', async () => {
    emu.addFault({ times: 1, action: { type: 'status', status: 503 } });
    emu.addFault({ times: 1, action: { type: 'reset' } });
    expect((await client().getJob(SEED_NAMESPACE, JOB, d())).metadata.name).toBe(JOB);
  });

  it('504: a hung CCI is given up on within the deadline', async () => {
    emu.addFault({ times: Infinity, action: { type: 'hang' } });
    const started = Date.now();
    const e = await failure(client().getJob(SEED_NAMESPACE, JOB, d(700)));
    expect(Date.now() - started).toBeLessThan(1_200);
    expect(e).toMatchObject({ status: 504, code: 'cci-timeout' });
  });

  it('a gateway 504 answered every time is "unavailable" (503), not a time-out of ours', async () => {
    emu.addFault({ times: Infinity, action: { type: 'status', status: 504, shape: 'gateway' } });
    expect(await failure(client().getJob(SEED_NAMESPACE, JOB, d()))).toMatchObject({ status: 503, code: 'cci-unavailable' });
  });
});

describe('CciClient: patchJob with discardAnswer', () => {
  const NS = 'discard';
  const write = (v: string) => JSON.stringify({ metadata: { annotations: { 'volcano-job-functions/last-phase': v } } });
  const proxyPage = { type: 'status', status: 200, shape: 'text', body: '<html>proxy</html>' } as const;
  beforeAll(() => emu.createJobs(NS, 2, { prefix: 'j' }));

  it('resolves to undefined, and the write is made', async () => {
    const out = await client().patchJob(NS, 'j-00000', PATCH_TYPES.merge, write('Running'), { fieldManager: 'fm', discardAnswer: true }, d());
    expect(out).toBeUndefined();
    expect(emu.getJob(NS, 'j-00000')?.metadata.annotations).toEqual({ 'volcano-job-functions/last-phase': 'Running' });
  });

  it('does not read a 2xx answer: one that is not a Job is refused only without the option', async () => {
    emu.addFault({ service: 'cci', method: 'PATCH', times: 1, action: proxyPage });
    await expect(client().patchJob(NS, 'j-00001', PATCH_TYPES.merge, write('Running'), { discardAnswer: true }, d())).resolves.toBeUndefined();
    emu.addFault({ service: 'cci', method: 'PATCH', times: 1, action: proxyPage });
    expect(await failure(client().patchJob(NS, 'j-00001', PATCH_TYPES.merge, write('Running'), {}, d()))).toMatchObject({ status: 502, code: 'cci-bad-answer' });
  });

  it('fails exactly as without it: 404, 422, 503 after every retry', async () => {
    const call = (name: string) => client().patchJob(NS, name, PATCH_TYPES.merge, write('Failed'), { discardAnswer: true }, d());
    expect(await failure(call('missing'))).toMatchObject({ status: 404, code: 'job-not-found' });
    emu.addFault({ service: 'cci', method: 'PATCH', times: 1, action: { type: 'status', status: 422 } });
    expect(await failure(call('j-00000'))).toMatchObject({ status: 422, code: 'cci-rejected' });
    emu.addFault({ service: 'cci', method: 'PATCH', times: TINY.steps, action: { type: 'status', status: 503 } });
    expect(await failure(call('j-00000'))).toMatchObject({ status: 503, code: 'cci-unavailable' });
  });
});

describe('queryString', () => {
  const asUrlSearchParams = (q: Record<string, string | undefined>) => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) qs.append(k, v);
    return qs.toString();
  };

  it('writes what URLSearchParams writes, parameters without a value left out, in their order', () => {
    const cases: Array<Record<string, string | undefined>> = [
      {},
      { dryRun: undefined, fieldManager: 'volcano-job-functions' },
      { dryRun: 'All', fieldManager: 'a_b.c-d*' },
      { labelSelector: 'app in (a,b),tier!=web', limit: '250', continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MX0=' },
      { labelSelector: 'owner=ünïcödé team', limit: undefined },
      { 'we ird': 'x', limit: '1' },
      { fieldManager: '~!\'()' },
    ];
    for (const q of cases) expect(queryString(q)).toBe(asUrlSearchParams(q));
  });

  it('joins plain names and values as they are', () => {
    expect(queryString({ dryRun: 'All', fieldManager: 'volcano-job-functions' })).toBe('dryRun=All&fieldManager=volcano-job-functions');
  });
});
