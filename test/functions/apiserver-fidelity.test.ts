/**
 * Issue 11 through the functions: every kube-apiserver / Volcano webhook answer the emulator imitates
 * (emulator/README.md "Fidelity") that a function can meet, met through the real handlers over HTTP,
 * with the contract's answer asserted. Where the function refuses something before CCI, the emulator's
 * request log shows no PATCH, so the answer does not depend on which Kubernetes version CCI runs
 * (1.19 and current differ on several of these: 400 vs 422 for non-object merge patches, pruned vs
 * kept unknown fields). Where only CCI can refuse (Volcano's webhook on a template change, or any rule
 * of the webhook our checks do not share), the webhook's real shape (400, a Status with an empty
 * reason) reaches the caller as the contract's 422 and a queue message as a permanent failure.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_JOB_OPENMPI_HELLO_2, startEmulator, type Emulator, type Job } from '../../emulator';
import { PROBLEM_TYPE_PREFIX } from '../../lib/http/problem';
import type { SweepReport } from '../../lib/sweep/run';
import { CLEAN_ENV, setEnv } from '../support/env';
import { callHttp, captureLogs, coldHandler, contextFor } from '../support/harness';
import { functionGraphQueueEvent, sqsEvent } from '../support/events';
import { SEED_NS, TEST_SECRET, type Platform } from '../support/http-events';
import { acceptAll } from '../support/sqs';

const NAME = 'openmpi-hello-2-com';
const WEBHOOK = 'admission webhook "validatejob.volcano.sh" denied the request: ';
const FAILED_QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/volcano-job-functions-dev-failed-patches';

let emu: Emulator;
let logs: ReturnType<typeof captureLogs>;
const sqsMock = mockClient(SQSClient);

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emu.close();
  sqsMock.restore();
});

/** The seed job, with a gang of 3 over tasks mpimaster (1) and mpiworker (2, minAvailable 2). */
function seedJob(): Job {
  const seed = structuredClone(SEED_JOB_OPENMPI_HELLO_2) as Job;
  delete seed.metadata.labels;
  seed.spec.minAvailable = 3;
  seed.spec.tasks[1]!.minAvailable = 2;
  return emu.putJob(SEED_NS, seed);
}

let before: Job;
beforeEach(() => {
  emu.clearFaults();
  before = seedJob();
  emu.resetStats();
  sqsMock.reset();
  sqsMock.on(SendMessageBatchCommand).callsFake(acceptAll);
  setEnv({
    ...CLEAN_ENV,
    CCI_ENDPOINT: emu.url,
    CCI_TOKEN: 'local-dev-token',
    ALLOWED_NAMESPACES: SEED_NS,
    WEBHOOK_SECRET: TEST_SECRET,
    FAILED_PATCHES_QUEUE_URL: FAILED_QUEUE,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  for (const line of logs.lines) expect(line).not.toContain('local-dev-token');
});

const MERGE = 'application/merge-patch+json';
const problem = (code: string) => PROBLEM_TYPE_PREFIX + code;
const JSON_PATCH = 'application/json-patch+json';

async function patch(body: unknown, o: { contentType?: string; query?: Array<[string, string]>; platform?: Platform; name?: string } = {}) {
  const handler = await coldHandler('patchJob');
  return callHttp(handler, o.platform ?? 'aws', 'patchJob', {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(o.contentType ? { contentType: o.contentType } : {}),
    query: o.query ?? [],
    name: o.name ?? NAME,
  });
}

const patches = () => emu.requests().filter((r) => r.service === 'cci' && r.method === 'PATCH');
const stored = () => emu.getJob(SEED_NS, NAME)!;
/** The job is exactly as it was before the test's request. */
const unchanged = () => expect(stored().metadata.resourceVersion).toBe(before.metadata.resourceVersion);

/**
 * The next read of the job shows `change(job)` instead of the stored job (same resourceVersion):
 * a way to let a patch past the function's own checks so that only Volcano's webhook can refuse
 * it, as it does when its rules are stricter than ours (e.g. a newer Volcano).
 */
function readShows(change: (job: Job) => void): void {
  const shown = structuredClone(stored());
  change(shown);
  emu.addFault({ method: 'GET', path: `/jobs/${NAME}`, times: 1, action: { type: 'status', status: 200, body: JSON.stringify(shown) } });
}

function expectWebhookDenial(res: Awaited<ReturnType<typeof patch>>, reason: string) {
  expect(res.statusCode).toBe(422);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(res.json).toMatchObject({ status: 422, type: problem('cci-rejected') });
  // The webhook's whole message, and CCI's status: the Status carries no reason to show.
  expect(res.json.detail).toBe(`CCI refused the change: 400: ${WEBHOOK}${reason}`);
  expect(patches().map((r) => r.status)).toEqual([400]);
  unchanged();
}

const templateImage = (job: Job) => (job.spec.tasks[1]!.template as { spec: { containers: Array<{ image: string }> } }).spec.containers[0]!;

describe('patchJob: Volcano webhook denials reach the caller as 422 with the webhook message', () => {
  const OTHER_FIELDS = 'job updates may not change fields other than `minAvailable`, `tasks[*].replicas under spec` and `PriorityClassName`';

  it.each<Platform>(['aws', 'functiongraph'])('a template change (updatable by the contract, refused by the webhook), merge patch, on %s', async (platform) => {
    const tasks = structuredClone(before.spec.tasks);
    templateImage({ spec: { tasks } } as unknown as Job).image = 'busybox:2';
    const res = await patch({ spec: { tasks } }, { contentType: MERGE, platform });
    expectWebhookDenial(res, OTHER_FIELDS);
  });

  it('a template change as a JSON patch, and on dryRun=All too (the webhook runs on dry runs)', async () => {
    const ops = [{ op: 'replace', path: '/spec/tasks/1/template/spec/containers/0/image', value: 'busybox:2' }];
    expectWebhookDenial(await patch(ops, { contentType: JSON_PATCH }), OTHER_FIELDS);
    emu.resetStats();
    const dry = await patch(ops, { contentType: JSON_PATCH, query: [['dryRun', 'All']] });
    expectWebhookDenial(dry, OTHER_FIELDS);
    expect(patches()[0]!.query).toContain('dryRun=All');
  });

  it('job minAvailable > total replicas, when only the webhook sees it', async () => {
    readShows((job) => (job.spec.minAvailable = 1));
    const res = await patch({ replicas: { mpiworker: 1 } });
    expectWebhookDenial(res, "job 'minAvailable' must not be greater than total replicas");
  });

  it("a task's minAvailable > its replicas, when only the webhook sees it", async () => {
    readShows((job) => (job.spec.tasks[1]!.minAvailable = 1));
    const res = await patch([{ op: 'replace', path: '/spec/tasks/1/replicas', value: 1 }, { op: 'replace', path: '/spec/minAvailable', value: 2 }], { contentType: JSON_PATCH });
    expectWebhookDenial(res, "'minAvailable' must be <= 'replicas' in task: mpiworker");
  });

  it('tasks added, when only the webhook sees it', async () => {
    const extra = { ...structuredClone(before.spec.tasks[1]!), name: 'extra', minAvailable: 1, replicas: 1 };
    readShows((job) => job.spec.tasks.push(structuredClone(extra)));
    const tasks = [...structuredClone(before.spec.tasks), { ...extra, replicas: 2 }];
    const res = await patch({ spec: { tasks } }, { contentType: MERGE });
    expectWebhookDenial(res, 'job updates may not add or remove tasks');
  });
});

describe('patchJob: what the webhook or the apiserver would refuse is refused before CCI when the function can see it', () => {
  const refusedBeforeCci = async (body: unknown, contentType = MERGE) => {
    const res = await patch(body, { contentType });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json.type).toBe(problem('field-not-updatable'));
    expect(patches()).toEqual([]);
    unchanged();
    return res;
  };

  it('tasks added or removed, a task minAvailable > replicas, job minAvailable > total (merge and JSON patch)', async () => {
    const tasks = before.spec.tasks;
    await refusedBeforeCci({ spec: { tasks: [...tasks, { ...tasks[1], name: 'extra' }] } });
    await refusedBeforeCci({ spec: { tasks: [tasks[0]] } });
    await refusedBeforeCci({ spec: { tasks: [tasks[0], { ...tasks[1], minAvailable: 3 }] } });
    await refusedBeforeCci({ spec: { minAvailable: 4 } });
    await refusedBeforeCci([{ op: 'remove', path: '/spec/tasks/1' }], JSON_PATCH);
    await refusedBeforeCci([{ op: 'add', path: '/spec/tasks/-', value: { ...tasks[1], name: 'extra' } }], JSON_PATCH);
    await refusedBeforeCci([{ op: 'replace', path: '/spec/tasks/1/minAvailable', value: 3 }], JSON_PATCH);
    await refusedBeforeCci([{ op: 'replace', path: '/spec/minAvailable', value: 4 }], JSON_PATCH);
    // The structured body says the same (the contract's 422 for a total below minAvailable).
    const res = await patch({ replicas: { mpiworker: 1 } });
    expect(res.statusCode).toBe(422);
    expect(patches()).toEqual([]);
  });

  // Pruned by a v1 CRD (200, not stored), kept by a v1beta1 one, 422 / 400 for the metadata ones:
  // the contract allows only updatable fields, so each is the function's 422 whatever CCI would do.
  it.each<[string, Record<string, unknown>]>([
    ['unknown top-level field', { foo: 'bar' }],
    ['unknown spec field', { spec: { foo: 'bar' } }],
    ['metadata.uid changed', { metadata: { uid: '00000000-0000-0000-0000-000000000000' } }],
    ['metadata.uid emptied', { metadata: { uid: null } }],
    ['metadata.deletionTimestamp set', { metadata: { deletionTimestamp: '2026-12-01T00:00:00Z' } }],
    ['metadata.creationTimestamp changed', { metadata: { creationTimestamp: '2020-01-01T00:00:00Z' } }],
    ['metadata.name changed', { metadata: { name: 'other' } }],
    ['metadata.namespace changed', { metadata: { namespace: 'other' } }],
    ['metadata.finalizers', { metadata: { finalizers: ['example.com/keep'] } }],
    ['metadata.ownerReferences (valid)', { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: '11111111-1111-1111-1111-111111111111' }] } }],
    ['status', { status: { state: { phase: 'Completed' } } }],
    // Volcano's webhook: every spec field but minAvailable and the tasks' counts is fixed (400 there).
    ['spec.queue', { spec: { queue: 'other' } }],
    ['spec.schedulerName', { spec: { schedulerName: 'default-scheduler' } }],
    ['spec.policies', { spec: { policies: [{ event: 'PodEvicted', action: 'RestartJob' }] } }],
    ['spec.plugins', { spec: { plugins: { ssh: [] } } }],
    ['spec.maxRetry', { spec: { maxRetry: 5 } }],
    ['spec.tasks null', { spec: { tasks: null } }],
    // 422 from the CRD schema on Volcano >= 1.14 (minimum, minItems), the webhook's 400 before.
    ['spec.tasks []', { spec: { tasks: [] } }],
    ['spec.minAvailable -1', { spec: { minAvailable: -1 } }],
  ])('merge patch: %s → 422 before CCI', async (_what, body) => {
    await refusedBeforeCci(body);
  });

  it.each<[string, unknown[]]>([
    ['add /foo', [{ op: 'add', path: '/foo', value: 1 }]],
    ['add /spec/foo', [{ op: 'add', path: '/spec/foo', value: 1 }]],
    ['replace /metadata/uid', [{ op: 'replace', path: '/metadata/uid', value: 'x' }]],
    ['add /metadata/deletionTimestamp', [{ op: 'add', path: '/metadata/deletionTimestamp', value: '2026-12-01T00:00:00Z' }]],
    ['replace /metadata/name', [{ op: 'replace', path: '/metadata/name', value: 'other' }]],
    ['add /metadata/finalizers', [{ op: 'add', path: '/metadata/finalizers', value: ['example.com/keep'] }]],
    ['remove /metadata/resourceVersion', [{ op: 'remove', path: '/metadata/resourceVersion' }]],
    ['replace /spec/queue', [{ op: 'replace', path: '/spec/queue', value: 'other' }]],
    ['replace /spec/tasks/0/name', [{ op: 'replace', path: '/spec/tasks/0/name', value: 'renamed' }]],
    ['replace /spec/tasks/0/replicas -1', [{ op: 'replace', path: '/spec/tasks/0/replicas', value: -1 }]],
    ['replace /spec/tasks []', [{ op: 'replace', path: '/spec/tasks', value: [] }]],
  ])('JSON patch: %s → 422 before CCI', async (_what, ops) => {
    await refusedBeforeCci(ops, JSON_PATCH);
  });

  // The apiserver: "", null, "0" or removed → 422 "must be specified for an update" (an
  // unconditional write of a custom resource); not a number (or beyond uint64) → 500 with an empty
  // reason. The contract's 422 row for raw patches (a field or value that cannot be used), before CCI.
  it.each<[string, unknown]>([
    ['""', ''],
    ['null', null],
    ['"0"', '0'],
    ['"abc"', 'abc'],
    ['"-1"', '-1'],
    ['beyond uint64', '99999999999999999999'],
    ['a number', 7695210],
  ])('merge patch metadata.resourceVersion %s → 422 before CCI', async (_what, rv) => {
    const res = await refusedBeforeCci({ metadata: { resourceVersion: rv, labels: { app: 'x' } } });
    expect(res.json.errors).toEqual([expect.objectContaining({ path: '/metadata/resourceVersion' })]);
  });

  it('JSON patch replace /metadata/resourceVersion "0" → 422 before CCI', async () => {
    await refusedBeforeCci([{ op: 'replace', path: '/spec/minAvailable', value: 2 }, { op: 'replace', path: '/metadata/resourceVersion', value: '0' }], JSON_PATCH);
  });

  // The structured body's resourceVersion is a schema field: "0" (never a stored version; "any" on
  // reads) or a non-decimal one does not match the schema, the contract's 400, without any CCI call.
  it.each(['0', '', 'abc', '-1', '99999999999999999999'])('structured resourceVersion %j → 400 before any CCI call', async (rv) => {
    const res = await patch({ labels: { app: 'x' }, resourceVersion: rv });
    expect(res.statusCode).toBe(400);
    expect(res.json).toMatchObject({ type: problem('invalid-body'), errors: [expect.objectContaining({ path: '/resourceVersion' })] });
    expect(emu.requests().filter((r) => r.service === 'cci')).toEqual([]);
    unchanged();
  });

  it('a merge patch renaming or reordering tasks → 422 before CCI', async () => {
    const [a, b] = structuredClone(before.spec.tasks);
    await refusedBeforeCci({ spec: { tasks: [a, { ...b, name: 'renamed' }] } });
    await refusedBeforeCci({ spec: { tasks: [b, a] } });
  });

  it('PATCH on the collection (400 "name must be provided" at the apiserver) is never sent: no name is a 400 here', async () => {
    const res = await patch({ labels: { app: 'x' } }, { name: '' });
    expect(res.statusCode).toBe(400);
    expect(emu.requests().filter((r) => r.service === 'cci')).toEqual([]);
  });

  it('a valid resourceVersion still goes through as the precondition (200), a stale one is 409', async () => {
    const ok = await patch({ metadata: { resourceVersion: before.metadata.resourceVersion, labels: { app: 'x' } } }, { contentType: MERGE });
    expect(ok.statusCode).toBe(200);
    const stale = await patch({ metadata: { resourceVersion: before.metadata.resourceVersion, labels: { app: 'y' } } }, { contentType: MERGE });
    expect(stale.statusCode).toBe(409);
    expect(stored().metadata.labels).toEqual({ app: 'x' });
  });
});

describe('patchJob: content types and bodies CCI would refuse differently by version', () => {
  it('strategic merge patch → 415 before any CCI call, for a missing job too (as the apiserver: before the lookup)', async () => {
    for (const name of [NAME, 'no-such-job']) {
      const res = await patch({ metadata: { labels: { app: 'x' } } }, { contentType: 'application/strategic-merge-patch+json', name });
      expect(res.statusCode).toBe(415);
      expect(res.headers['content-type']).toBe('application/problem+json');
    }
    expect(emu.requests().filter((r) => r.service === 'cci')).toEqual([]);
  });

  it('apply patches are not accepted (415): no server-side apply reaches CCI', async () => {
    const res = await patch('metadata:\n  labels:\n    app: x\n', { contentType: 'application/apply-patch+yaml' });
    expect(res.statusCode).toBe(415);
    expect(emu.requests().filter((r) => r.service === 'cci')).toEqual([]);
  });

  it('an upper-case type or a space before ";" (415 at the apiserver) is sent to CCI exactly as the apiserver matches it', async () => {
    for (const [i, type] of ['Application/Merge-Patch+JSON', 'application/merge-patch+json ; charset=utf-8'].entries()) {
      const res = await patch({ metadata: { labels: { app: `v${i}` } } }, { contentType: type });
      expect(res.statusCode).toBe(200);
    }
    expect(patches().map((r) => [r.contentType, r.status])).toEqual([
      [MERGE, 200],
      [MERGE, 200],
    ]);
  });

  // Kubernetes ≥ 1.23 answers 400 (strict decoding), 1.19 (CCI) 422: the function's own 400 either way.
  it.each<[string, string, string]>([
    ['a merge patch that is an array', MERGE, '[1]'],
    ['a merge patch that is a number', MERGE, '3'],
    ['a merge patch that is a string', MERGE, '"x"'],
    ['a JSON patch path that is not a string', JSON_PATCH, '[{"op":"replace","path":5,"value":1}]'],
  ])('%s → 400 before CCI', async (_what, contentType, body) => {
    const res = await patch(body, { contentType });
    expect(res.statusCode).toBe(400);
    expect(res.json.type).toBe(problem('invalid-body'));
    expect(emu.requests().filter((r) => r.service === 'cci')).toEqual([]);
  });

  it('a JSON patch "test" that fails is refused on the read job (422), not sent; one that passes is sent', async () => {
    const failing = await patch([{ op: 'test', path: '/spec/minAvailable', value: 1 }, { op: 'replace', path: '/spec/minAvailable', value: 2 }], { contentType: JSON_PATCH });
    expect(failing.statusCode).toBe(422);
    expect(patches()).toEqual([]);
    const passing = await patch([{ op: 'test', path: '/spec/minAvailable', value: 3 }, { op: 'replace', path: '/spec/minAvailable', value: 2 }], { contentType: JSON_PATCH });
    expect(passing.statusCode).toBe(200);
    expect(stored().spec.minAvailable).toBe(2);
  });

  it('a "test" that passed on our read but fails at CCI (the job changed in between) is a 422, not retried', async () => {
    // The read shows minAvailable 1; CCI holds 3: its evanphx test fails, the generic 422 (since
    // Kubernetes 1.13, kubernetes#68346, so on 1.19 too), which is permanent.
    readShows((job) => (job.spec.minAvailable = 1));
    const res = await patch([{ op: 'test', path: '/spec/minAvailable', value: 1 }, { op: 'replace', path: '/spec/minAvailable', value: 2 }], { contentType: JSON_PATCH });
    expect(res.statusCode).toBe(422);
    expect(res.json.type).toBe(problem('cci-rejected'));
    expect(patches().map((r) => r.status)).toEqual([422]);
    unchanged();
  });
});

describe('patchFromQueue: a webhook denial is permanent (failure queue, not retried)', () => {
  it('the webhook refuses a scale-down our read allowed: reported once with its message, no batch item failure', async () => {
    readShows((job) => (job.spec.minAvailable = 1));
    const body = JSON.stringify({ namespace: SEED_NS, name: NAME, replicas: { mpiworker: 1 } });
    const handler = await coldHandler('patchFromQueue');
    const answer = await handler(sqsEvent([body]), contextFor('aws', 30_000));
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(patches().map((r) => r.status)).toEqual([400]);
    const sent = sqsMock.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!)));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ messageId: 'msg-0', status: 422, code: 'cci-rejected', originalBody: body });
    expect(sent[0].detail).toContain(`${WEBHOOK}job 'minAvailable' must not be greater than total replicas`);
    unchanged();
  });

  it('on FunctionGraph (Kafka) the same denial is listed as permanent and the invocation does not throw', async () => {
    readShows((job) => (job.spec.minAvailable = 1));
    const body = JSON.stringify({ namespace: SEED_NS, name: NAME, replicas: { mpiworker: 1 } });
    const handler = await coldHandler('patchFromQueue');
    const summary = (await handler(functionGraphQueueEvent('kafka', [body], 1), contextFor('functiongraph', 30_000))) as { processed: number; failed: Array<{ index: number; reason: string }> };
    expect(summary.processed).toBe(0);
    expect(summary.failed).toEqual([{ index: 0, reason: `422 Unprocessable Content: CCI refused the change: 400: ${WEBHOOK}job 'minAvailable' must not be greater than total replicas` }]);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
    expect(patches().map((r) => r.status)).toEqual([400]);
    unchanged();
  });

  it('a message whose resourceVersion is "0" is a permanent 400 without any CCI call', async () => {
    const body = JSON.stringify({ namespace: SEED_NS, name: NAME, labels: { app: 'x' }, resourceVersion: '0' });
    const handler = await coldHandler('patchFromQueue');
    expect(await handler(sqsEvent([body]), contextFor('aws', 30_000))).toEqual({ batchItemFailures: [] });
    expect(emu.requests().filter((r) => r.service === 'cci')).toEqual([]);
    const sent = sqsMock.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!)));
    expect(sent).toEqual([expect.objectContaining({ status: 400, code: 'invalid-body' })]);
  });
});

describe('sweepJobs: selectors and continue tokens as the apiserver reads them', () => {
  const NS = 'fidelity-sweep';
  beforeAll(() => {
    emu.createJobs(NS, 3, { prefix: 'web', labels: { app: 'web' } });
    emu.createJobs(NS, 2, { prefix: 'blank', labels: { app: '' } });
    emu.createJobs(NS, 4, { prefix: 'bare' });
  });

  async function sweep(extra: Record<string, string>): Promise<SweepReport> {
    setEnv({ SWEEP_NAMESPACES: NS, SWEEP_STUCK_AFTER: '1h', SWEEP_PAGE_SIZE: '2', ...extra });
    const handler = await coldHandler('sweepJobs');
    return (await handler({}, contextFor('aws', 30_000))) as SweepReport;
  }

  // apimachinery labels.Parse: "()" is the set {""}, "(web,)" is {web, ""}; notin matches a missing key.
  it.each<[string, number]>([
    ['app in ()', 2],
    ['app notin ()', 7],
    ['app in (web,)', 5],
    ['app in (web)', 3],
  ])('SWEEP_LABEL_SELECTOR %j is valid and selects %i jobs', async (selector, jobs) => {
    const report = await sweep({ SWEEP_LABEL_SELECTOR: selector });
    expect(report).toMatchObject({ complete: true, jobs });
    expect(report.failures ?? []).toEqual([]);
    expect(emu.requests().filter((r) => r.method === 'GET' && r.path.endsWith(`/${NS}/jobs`)).every((r) => r.status === 200)).toBe(true);
  });

  it('a continue token CCI refuses as malformed (400) fails the namespace with a clear reason, once, not retried', async () => {
    // CCI hands out a token it then refuses (padded standard base64: the apiserver wants RawURLEncoding).
    emu.addFault({
      method: 'GET',
      path: `/namespaces/${NS}/jobs`,
      times: 1,
      action: { type: 'status', status: 200, body: JSON.stringify({ apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'JobList', metadata: { continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ==' }, items: [] }) },
    });
    const report = await sweep({});
    expect(report.complete).toBe(true);
    expect(report.failures).toEqual([
      expect.objectContaining({ namespace: NS, status: 422, code: 'cci-rejected', reason: expect.stringMatching(/^CCI refused the request for jobs of namespace "fidelity-sweep": 400 \(BadRequest\): .*continue/) }),
    ]);
    const lists = emu.requests().filter((r) => r.method === 'GET' && r.path.endsWith(`/${NS}/jobs`));
    expect(lists.map((r) => r.status)).toEqual([200, 400]);
  });

  it('a 410 Expired continue token restarts the namespace and still counts every job once', async () => {
    // Every list waits 30 ms; once the first page is answered, the tokens issued so far expire, so the
    // second call meets the apiserver's real 410.
    emu.addFault({ method: 'GET', path: `/namespaces/${NS}/jobs`, times: Infinity, action: { type: 'delay', ms: 30 } });
    let expired = false;
    const watch = setInterval(() => {
      if (!expired && emu.requests().some((r) => r.method === 'GET' && r.status === 200 && r.path.endsWith(`/${NS}/jobs`))) {
        expired = true;
        emu.expireContinueTokens();
      }
    }, 1);
    try {
      const report = await sweep({});
      expect(report).toMatchObject({ complete: true, jobs: 9 });
      expect(report.failures ?? []).toEqual([]);
    } finally {
      clearInterval(watch);
    }
    expect(emu.requests().filter((r) => r.path.endsWith(`/${NS}/jobs`)).map((r) => r.status)).toContain(410);
  });
});
