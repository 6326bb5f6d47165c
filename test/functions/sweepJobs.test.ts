/**
 * sweepJobs end to end: the handler loaded cold, invoked with the samples from events/ (AWS
 * EventBridge schedule and FunctionGraph TIMER) against the emulator over real HTTP.
 * The first describe is a story: its tests run in order on one fleet of 2,000 jobs.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator';
import type { SweepReport } from '../../lib/sweep/run';
import { CLEAN_ENV, setEnv } from '../support/env';
import { captureLogs, coldHandler, contextFor } from '../support/harness';
import { acceptAll } from '../support/sqs';
import { scheduleEvent, timerEvent as timer, timerTextEvent } from '../support/events';

let emu: Emulator;
let logs: ReturnType<typeof captureLogs>;

const NS = ['sw-a', 'sw-b', 'sw-c', 'sw-d'];
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const OLD = iso(Date.now() - 3 * 3_600_000);
const PAGE = 37;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: false });
  // 2,000 jobs over 4 namespaces; 210 of them stuck (waiting for 3 h, stuck after 1 h).
  emu.createJobs('sw-a', 400, { prefix: 'run', phase: 'Running' });
  emu.createJobs('sw-a', 60, { prefix: 'wait', phase: 'Pending', lastTransitionTime: OLD });
  emu.createJobs('sw-a', 40, { prefix: 'new', phase: 'Pending' });
  emu.createJobs('sw-b', 300, { prefix: 'run', phase: 'Running' });
  emu.createJobs('sw-b', 100, { prefix: 'done', phase: 'Completed', lastTransitionTime: OLD });
  emu.createJobs('sw-b', 50, { prefix: 'queued', phase: 'Inqueue', lastTransitionTime: OLD });
  emu.createJobs('sw-b', 50, { prefix: 'fail', phase: 'Failed' });
  emu.createJobs('sw-c', 500, { prefix: 'run', phase: 'Running' });
  emu.createJobs('sw-d', 200, { prefix: 'run', phase: 'Running' });
  emu.createJobs('sw-d', 200, { prefix: 'new', phase: 'Pending' });
  emu.createJobs('sw-d', 100, { prefix: 'queued', phase: 'Inqueue', lastTransitionTime: OLD });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.clearFaults();
  emu.resetStats();
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  for (const line of logs.lines) expect(line).not.toContain('local-dev-token');
});

function sweepEnv(extra: Record<string, string | undefined> = {}) {
  setEnv({
    ...CLEAN_ENV,
    AWS_ENDPOINT_URL_SQS: undefined,
    CCI_ENDPOINT: emu.url,
    CCI_TOKEN: 'local-dev-token',
    SWEEP_NAMESPACES: NS.join(','),
    SWEEP_STUCK_AFTER: '1h',
    SWEEP_PAGE_SIZE: String(PAGE),
    ...extra,
  });
}

const names = (prefix: string, count: number, from = 0) => Array.from({ length: count }, (_, i) => `${prefix}-${String(from + i).padStart(5, '0')}`);
/** Each stuck entry carries its PodGroup's gang condition, as the emulator derives it for a waiting job. */
const gang = (phase: string) => ({ phase, reason: 'NotEnoughResources', message: expect.stringMatching(/^\d+\/\d+ tasks in gang unschedulable: /) });
const stuckOf = (ns: string, prefix: string, phase: string, count: number) => names(prefix, count).map((name) => ({ namespace: ns, name, phase, since: OLD, podGroup: gang(phase) }));

function jsonLines(): Array<Record<string, any>> {
  return logs.lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, any>);
}
const emfLines = () => jsonLines().filter((l) => l._aws);
const cciPatches = () => emu.requests().filter((r) => r.service === 'cci' && r.method === 'PATCH');
const awsEvent = scheduleEvent;
const timerEvent = (override?: unknown) => timer(override === undefined ? {} : { override });

async function sweep(event: unknown, platform: 'aws' | 'functiongraph' = 'aws', remainingMs = 60_000, userData?: Record<string, string>): Promise<SweepReport> {
  const handler = await coldHandler('sweepJobs');
  return (await handler(event, contextFor(platform, remainingMs, userData ? { userData } : {}))) as SweepReport;
}

function bodies(sqs: ReturnType<typeof mockClient>): Array<Record<string, any>> {
  return sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!)));
}

function mockSqs() {
  const sqs = mockClient(SQSClient);
  sqs.on(SendMessageBatchCommand).callsFake(acceptAll);
  return sqs;
}

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/sweep-events';

describe.sequential('sweeping a fleet of 2,000 jobs', () => {
  it('first sweep (EventBridge): exact counts, exact stuck list, every job recorded, one stuck event each, EMF per namespace', async () => {
    sweepEnv({ SWEEP_EVENTS_QUEUE_URL: QUEUE });
    const sqs = mockSqs();
    try {
      const r = await sweep(awsEvent());
      expect(r.complete).toBe(true);
      expect(r.failures).toBeUndefined();
      expect(r.namespaces).toEqual(NS);
      expect(r.jobs).toBe(2000);
      expect(r.phases).toEqual({ Running: 1400, Pending: 300, Completed: 100, Inqueue: 150, Failed: 50 });
      expect(r.stuck).toEqual([
        ...stuckOf('sw-a', 'wait', 'Pending', 60),
        ...stuckOf('sw-b', 'queued', 'Inqueue', 50),
        ...stuckOf('sw-d', 'queued', 'Inqueue', 100),
      ]);
      expect(r.transitions).toEqual([]);
      expect(r.coverage.map((c) => [c.namespace, c.status, c.jobs, c.pages])).toEqual(NS.map((ns) => [ns, 'complete', 500, Math.ceil(500 / PAGE)]));

      // Pages of the configured size; the first page has no continue token, every later one does.
      // (The other GETs are the stuck jobs' PodGroup reads.)
      const lists = emu.requests().filter((q) => q.method === 'GET' && q.path.endsWith('/jobs'));
      expect(lists).toHaveLength(4 * Math.ceil(500 / PAGE));
      for (const q of lists) expect(new URLSearchParams(q.query).get('limit')).toBe(String(PAGE));

      // First sight: one annotations-only merge patch per job.
      const patches = cciPatches();
      expect(patches).toHaveLength(2000);
      for (const p of patches) {
        expect(p.contentType).toBe('application/merge-patch+json');
        const body = JSON.parse(p.body!);
        expect(Object.keys(body)).toEqual(['metadata']);
        expect(Object.keys(body.metadata)).toEqual(['annotations']);
      }
      expect(emu.getJob('sw-a', 'wait-00003')!.metadata.annotations).toEqual({
        'volcano-job-functions/last-phase': 'Pending',
        'volcano-job-functions/stuck-since': OLD,
      });
      expect(r.annotations).toEqual({ written: 2000, failed: 0, skipped: 0 });

      // One stuck event per stuck job, at most 10 per SendMessageBatch.
      const calls = sqs.commandCalls(SendMessageBatchCommand);
      for (const c of calls) {
        expect(c.args[0].input.QueueUrl).toBe(QUEUE);
        expect(c.args[0].input.Entries!.length).toBeLessThanOrEqual(10);
      }
      expect(calls).toHaveLength(6 + 5 + 10);
      const sent = bodies(sqs);
      expect(sent).toHaveLength(210);
      expect(sent.every((b) => b.type === 'stuck')).toBe(true);
      expect(sent.find((b) => b.name === 'wait-00000')).toEqual({
        type: 'stuck',
        namespace: 'sw-a',
        name: 'wait-00000',
        uid: emu.getJob('sw-a', 'wait-00000')!.metadata.uid,
        from: 'Pending',
        to: 'Pending',
        at: r.startedAt,
        since: OLD,
        podGroup: gang('Pending'),
      });
      expect(r.events).toEqual({ sent: 210, failed: [] });

      const emf = emfLines();
      expect(emf.map((l) => l.Namespace).sort()).toEqual(NS);
      const a = emf.find((l) => l.Namespace === 'sw-a')!;
      expect(a).toMatchObject({ Jobs: 500, Stuck: 60, 'Phase.Running': 400, 'Phase.Pending': 100, 'Phase.Failed': 0 });
      expect(a._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'VolcanoJobs', Dimensions: [['Namespace'], []] });
      const done = jsonLines().find((l) => l.msg === 'sweep done');
      expect(done?.report).toMatchObject({ jobs: 2000, complete: true });
      // The heap guard's count: none without --expose-gc (this process), whatever it made with it.
      expect(done?.heapCollections).toEqual(typeof (globalThis as { gc?: unknown }).gc === 'function' ? expect.any(Number) : 0);
    } finally {
      sqs.restore();
    }
  });

  it('second sweep (FunctionGraph TIMER, user_event naming the namespaces): exactly the changed jobs are transitions', async () => {
    // The configured namespace is only sw-c: the user_event override names all four.
    sweepEnv({ SWEEP_NAMESPACES: 'sw-c', SWEEP_EVENTS_QUEUE_URL: QUEUE });
    emu.setPhase('sw-a', 'wait-00000', 'Running');
    emu.setPhase('sw-a', 'run-00005', 'Failed');
    emu.setPhase('sw-b', 'queued-00010', 'Running');
    emu.setPhase('sw-c', 'run-00123', 'Completed');
    emu.setPhase('sw-d', 'new-00007', 'Inqueue', OLD);
    emu.resetStats();
    const sqs = mockSqs();
    try {
      const r = await sweep(timerEvent({ namespaces: NS }), 'functiongraph');
      expect(r.namespaces).toEqual(NS);
      expect(r.complete).toBe(true);
      expect(r.jobs).toBe(2000);
      expect(r.transitions).toEqual([
        { namespace: 'sw-a', name: 'run-00005', from: 'Running', to: 'Failed' },
        { namespace: 'sw-a', name: 'wait-00000', from: 'Pending', to: 'Running' },
        { namespace: 'sw-b', name: 'queued-00010', from: 'Inqueue', to: 'Running' },
        { namespace: 'sw-c', name: 'run-00123', from: 'Running', to: 'Completed' },
        { namespace: 'sw-d', name: 'new-00007', from: 'Pending', to: 'Inqueue' },
      ]);
      expect(r.phases).toEqual({ Running: 1400, Pending: 298, Completed: 101, Inqueue: 150, Failed: 51 });
      expect(r.stuck).toHaveLength(209);
      expect(r.stuck).toContainEqual({ namespace: 'sw-d', name: 'new-00007', phase: 'Inqueue', since: OLD, podGroup: gang('Inqueue') });
      expect(r.stuck.find((s) => s.name === 'wait-00000' && s.namespace === 'sw-a')).toBeUndefined();

      const patched = cciPatches().map((p) => p.path.split('/').slice(-3).join('/'));
      expect(patched.sort()).toEqual(['sw-a/jobs/run-00005', 'sw-a/jobs/wait-00000', 'sw-b/jobs/queued-00010', 'sw-c/jobs/run-00123', 'sw-d/jobs/new-00007']);
      // Leaving the waiting phase ends the stuck episode: its annotation is removed.
      expect(emu.getJob('sw-a', 'wait-00000')!.metadata.annotations).toEqual({ 'volcano-job-functions/last-phase': 'Running' });

      const sent = bodies(sqs);
      expect(sent.map((b) => `${b.type} ${b.namespace}/${b.name} ${b.from}->${b.to}`).sort()).toEqual([
        'stuck sw-d/new-00007 Inqueue->Inqueue',
        'transition sw-a/run-00005 Running->Failed',
        'transition sw-a/wait-00000 Pending->Running',
        'transition sw-b/queued-00010 Inqueue->Running',
        'transition sw-c/run-00123 Running->Completed',
        'transition sw-d/new-00007 Pending->Inqueue',
      ]);
      const t = sent.find((b) => b.type === 'transition' && b.name === 'run-00123')!;
      expect(t.uid).toBe(emu.getJob('sw-c', 'run-00123')!.metadata.uid);
      expect(t.at).toBe(emu.getJob('sw-c', 'run-00123')!.status!.state!.lastTransitionTime);
    } finally {
      sqs.restore();
    }
  });

  it('third sweep over the unchanged fleet writes nothing and sends nothing', async () => {
    sweepEnv({ SWEEP_EVENTS_QUEUE_URL: QUEUE });
    const sqs = mockSqs();
    try {
      const r = await sweep(awsEvent());
      expect(r.transitions).toEqual([]);
      expect(r.stuck).toHaveLength(209);
      expect(r.jobs).toBe(2000);
      expect(emu.stats().cci.patch).toBe(0);
      expect(cciPatches()).toHaveLength(0);
      expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
      expect(r.annotations).toEqual({ written: 0, failed: 0, skipped: 0 });
    } finally {
      sqs.restore();
    }
  });

  it('survives a 410 Expired continue token mid-list: exact counts, no transition lost or doubled', async () => {
    sweepEnv({ SWEEP_CONCURRENCY: '2' });
    emu.setPhase('sw-b', 'run-00001', 'Failed');
    emu.setPhase('sw-b', 'run-00299', 'Completed');
    emu.setPhase('sw-a', 'run-00399', 'Failed');
    emu.resetStats();
    // Slow the lists down, then expire every continue token once a few pages went by.
    emu.addFault({ method: 'GET', path: /\/jobs$/, times: Infinity, action: { type: 'delay', ms: 15 } });
    let expired = false;
    const poll = setInterval(() => {
      if (!expired && emu.requests().filter((q) => q.method === 'GET' && q.path.endsWith('/jobs') && q.status === 200).length >= 3) {
        expired = true;
        emu.expireContinueTokens();
      }
    }, 2);
    try {
      const r = await sweep(awsEvent());
      expect(expired).toBe(true);
      expect(emu.requests().some((q) => q.status === 410)).toBe(true);
      expect(r.coverage.reduce((n, c) => n + c.restarts, 0)).toBeGreaterThanOrEqual(1);
      expect(r.complete).toBe(true);
      expect(r.failures).toBeUndefined();
      expect(r.jobs).toBe(2000);
      expect(r.phases).toEqual({ Running: 1397, Pending: 298, Completed: 102, Inqueue: 150, Failed: 53 });
      expect(r.stuck).toHaveLength(209);
      expect(r.transitions).toEqual([
        { namespace: 'sw-a', name: 'run-00399', from: 'Running', to: 'Failed' },
        { namespace: 'sw-b', name: 'run-00001', from: 'Running', to: 'Failed' },
        { namespace: 'sw-b', name: 'run-00299', from: 'Running', to: 'Completed' },
      ]);
      expect(cciPatches()).toHaveLength(3);
    } finally {
      clearInterval(poll);
    }
  });

  it('FunctionGraph TIMER with a text user_event: configuration from the function\'s user data', async () => {
    sweepEnv({ SWEEP_NAMESPACES: undefined, SWEEP_STUCK_AFTER: undefined, SWEEP_PAGE_SIZE: undefined });
    const r = await sweep(timerTextEvent(), 'functiongraph', 30_000, {
      SWEEP_NAMESPACES: 'sw-c',
      SWEEP_STUCK_AFTER: '7200',
      SWEEP_PAGE_SIZE: '100',
    });
    expect(r.namespaces).toEqual(['sw-c']);
    expect(r.jobs).toBe(500);
    expect(r.coverage[0]).toMatchObject({ status: 'complete', pages: 5 });
    expect(jsonLines().some((l) => l.msg === 'TIMER user_event is not a JSON object: ignored' && l.userEvent === 'nightly status sweep')).toBe(true);
  });

  it('the label selector is passed through', async () => {
    sweepEnv({ SWEEP_NAMESPACES: 'sw-a', SWEEP_LABEL_SELECTOR: 'team=none' });
    const r = await sweep(awsEvent());
    expect(r.jobs).toBe(0);
    expect(new URLSearchParams(emu.requests()[0]!.query).get('labelSelector')).toBe('team=none');
  });
});

describe('faults, deadline and configuration', () => {
  beforeAll(() => {
    emu.createJobs('ok-1', 40, { prefix: 'run', phase: 'Running' });
    emu.createJobs('denied', 10, { prefix: 'run', phase: 'Running' });
    emu.createJobs('flaky', 10, { prefix: 'run', phase: 'Running' });
    emu.createJobs('slow', 300, { prefix: 'run', phase: 'Running' });
    emu.forbidNamespace('denied');
  });

  it('a namespace answering 403 or 5xx is reported and the others complete', async () => {
    sweepEnv({ SWEEP_NAMESPACES: 'denied,ok-1,flaky', SWEEP_PAGE_SIZE: '15' });
    emu.addFault({ path: /\/namespaces\/flaky\/jobs$/, times: Infinity, action: { type: 'status', status: 503 } });
    const r = await sweep(awsEvent());
    expect(r.complete).toBe(true);
    expect(r.jobs).toBe(40);
    expect(r.coverage.map((c) => [c.namespace, c.status])).toEqual([
      ['denied', 'failed'],
      ['ok-1', 'complete'],
      ['flaky', 'failed'],
    ]);
    expect(r.failures).toEqual([
      expect.objectContaining({ namespace: 'denied', status: 502, code: 'cci-forbidden', reason: expect.stringContaining('403') }),
      expect.objectContaining({ namespace: 'flaky', status: 503, code: 'cci-unavailable' }),
    ]);
    expect(emfLines().map((l) => l.Namespace)).toEqual(['ok-1']);
  });

  it('the deadline cuts the sweep short: complete is false, the answer comes in time', async () => {
    sweepEnv({ SWEEP_NAMESPACES: 'slow,ok-1', SWEEP_PAGE_SIZE: '10', SWEEP_CONCURRENCY: '1' });
    emu.addFault({ path: /\/namespaces\/slow\/jobs$/, times: Infinity, action: { type: 'delay', ms: 250 } });
    const started = Date.now();
    const r = await sweep(awsEvent(), 'aws', 3_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(r.complete).toBe(false);
    expect(r.coverage).toEqual([
      expect.objectContaining({ namespace: 'slow', status: 'partial' }),
      expect.objectContaining({ namespace: 'ok-1', status: 'not-started', jobs: 0 }),
    ]);
    expect(r.jobs).toBeGreaterThan(0);
    expect(r.jobs).toBeLessThan(300);
    expect(jsonLines().find((l) => l.msg === 'sweep done')).toMatchObject({ level: 'warn' });
  });

  it('no namespaces configured: a clear configuration error', async () => {
    sweepEnv({ SWEEP_NAMESPACES: undefined });
    await expect(sweep(awsEvent())).rejects.toMatchObject({ code: 'config', message: expect.stringContaining('SWEEP_NAMESPACES is not set') });
    expect(jsonLines().find((l) => l.msg === 'sweep failed')).toMatchObject({ level: 'error', code: 'config' });
    expect(emu.stats().cci.total).toBe(0);
  });

  it('an invalid user_event override fails fast, naming the field', async () => {
    sweepEnv();
    await expect(sweep(timerEvent({ namespaces: ['ok-1', 'Not_A_Namespace'] }), 'functiongraph')).rejects.toMatchObject({
      status: 400,
      code: 'invalid-sweep-override',
      errors: [expect.objectContaining({ path: '/user_event/namespaces/1' })],
    });
    expect(emu.stats().cci.total).toBe(0);
  });

  it('serverless invoke local with no event and no context sweeps the configured namespaces', async () => {
    sweepEnv({ SWEEP_NAMESPACES: 'ok-1' });
    const handler = await coldHandler('sweepJobs');
    const r = (await handler(undefined, undefined)) as SweepReport;
    expect(r).toMatchObject({ namespaces: ['ok-1'], jobs: 40, complete: true });
  });
});

describe('events through the real AWS SDK request path', () => {
  let server: http.Server;
  let url = '';
  const received: Array<{ target: string | undefined; contentType: string | undefined; body: any }> = [];
  let failOnce = true;

  beforeAll(async () => {
    emu.createJobs('sqs-ns', 12, { prefix: 'job', phase: 'Pending', lastTransitionTime: OLD });
    // A stand-in for SQS speaking the JSON protocol the installed client uses.
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        received.push({ target: req.headers['x-amz-target'] as string, contentType: req.headers['content-type'], body });
        const entries = body.Entries as Array<{ Id: string; MessageBody: string }>;
        // The first call fails one entry with a server fault: the sender retries just that one.
        const failed = failOnce ? [entries[0]!] : [];
        failOnce = false;
        const out = {
          Successful: entries
            .filter((e) => !failed.includes(e))
            .map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: createHash('md5').update(e.MessageBody).digest('hex') })),
          Failed: failed.map((e) => ({ Id: e.Id, Code: 'InternalError', Message: 'try again', SenderFault: false })),
        };
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'req-1' });
        res.end(JSON.stringify(out));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends one message per newly stuck job with SendMessageBatch, retrying failed entries', async () => {
    sweepEnv({
      SWEEP_NAMESPACES: 'sqs-ns',
      SWEEP_EVENTS_QUEUE_URL: `${url}/123456789012/sweep-events`,
      AWS_ENDPOINT_URL_SQS: url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
      AWS_SECRET_ACCESS_KEY: 'local-secret',
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
    });
    const r = await sweep(awsEvent());
    expect(r.stuck).toHaveLength(12);
    expect(r.events).toEqual({ sent: 12, failed: [] });
    expect(received.length).toBe(3);
    for (const q of received) {
      expect(q.target).toBe('AmazonSQS.SendMessageBatch');
      expect(q.contentType).toBe('application/x-amz-json-1.0');
      expect(q.body.QueueUrl).toBe(`${url}/123456789012/sweep-events`);
    }
    expect(received.map((q) => q.body.Entries.length)).toEqual([10, 1, 2]);
    const delivered = new Set(received.flatMap((q) => q.body.Entries.map((e: { MessageBody: string }) => JSON.parse(e.MessageBody).name)));
    expect([...delivered].sort()).toEqual(names('job', 12));
  });
});

describe('annotation writes in flight (SWEEP_WRITES_IN_FLIGHT)', () => {
  it('never has more first-sweep writes in flight at CCI than configured, over all namespaces, and writes every job', async () => {
    emu.createJobs('wif-a', 24, { prefix: 'run', phase: 'Running' });
    emu.createJobs('wif-b', 24, { prefix: 'run', phase: 'Running' });
    sweepEnv({ SWEEP_NAMESPACES: 'wif-a,wif-b', SWEEP_WRITES_IN_FLIGHT: '3' });
    // Slow writes, so that the sweep has as many in flight as it may.
    emu.addFault({ method: 'PATCH', path: /\/namespaces\/wif-[ab]\/jobs\//, times: Infinity, action: { type: 'delay', ms: 15 } });
    let max = 0;
    const poll = setInterval(() => {
      max = Math.max(max, cciPatches().filter((q) => q.status === 0).length);
    }, 1);
    try {
      const r = await sweep(awsEvent());
      expect(r.jobs).toBe(48);
      expect(r.annotations).toEqual({ written: 48, failed: 0, skipped: 0 });
    } finally {
      clearInterval(poll);
    }
    expect(cciPatches()).toHaveLength(48);
    expect(max).toBeLessThanOrEqual(3);
    expect(max).toBeGreaterThanOrEqual(2);
  });
});
