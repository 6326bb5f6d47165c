/**
 * patchFromQueue end to end: the handler loaded cold, invoked with SQS (standard and FIFO) and
 * FunctionGraph Kafka/RocketMQ events built from events/, against the emulator over real HTTP;
 * the failure queue is aws-sdk-client-mock's SQS client.
 */
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_JOB_OPENMPI_HELLO_2, startEmulator, type Emulator, type Job } from '../../emulator';
import { functionGraphContext, lambdaContext } from '../support/contexts';
import { CLEAN_ENV, setEnv } from '../support/env';
import { captureLogs, coldHandler } from '../support/harness';
import { functionGraphQueueEvent, kafkaSample, rocketMqSample, sqsEvent } from '../support/events';
import { loadEvent } from '../support/http-events';
import { acceptAll } from '../support/sqs';

const NS = 'cci-namespace-42263891';
const FAILED_QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/volcano-job-functions-dev-failed-patches';

type Handler = Awaited<ReturnType<typeof coldHandler>>;
type SqsAnswer = { batchItemFailures: Array<{ itemIdentifier: string }> };

const STD = loadEvent('aws/patchFromQueue.json');
const FIFO = loadEvent('aws/patchFromQueue.fifo.json');

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

beforeEach(() => {
  emu.clearFaults();
  emu.resetStats();
  sqsMock.reset();
  sqsMock.on(SendMessageBatchCommand).callsFake(acceptAll);
  setEnv({
    ...CLEAN_ENV,
    CCI_ENDPOINT: emu.url,
    CCI_TOKEN: 'local-dev-token',
    ALLOWED_NAMESPACES: NS,
    FAILED_PATCHES_QUEUE_URL: FAILED_QUEUE,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
  logs = captureLogs();
});
afterEach(() => logs.restore());

let jobCounter = 0;
/** A fresh copy of the seed job under a new name, so tests do not see each other's patches. */
function freshJob(prefix: string): string {
  const name = `${prefix}-${++jobCounter}`;
  const job = structuredClone(SEED_JOB_OPENMPI_HELLO_2) as Job;
  job.metadata = { ...job.metadata, name, namespace: NS };
  delete (job.metadata as { uid?: string }).uid;
  delete (job.metadata as { selfLink?: string }).selfLink;
  emu.putJob(NS, job);
  return name;
}

const msg = (name: string, patch: Record<string, unknown>, namespace = NS) => JSON.stringify({ namespace, name, ...patch });

/** Two records (partitions), as a DMS trigger hands them over: ids r0m<j> and r1m<j>. */
const kafkaEvent = (bodies: string[]) => functionGraphQueueEvent('kafka', bodies, 2);

async function invokeSqs(handler: Handler, event: unknown, remainingMs = 30_000): Promise<SqsAnswer> {
  return (await handler(event, lambdaContext(remainingMs))) as SqsAnswer;
}

const failedIds = (a: SqsAnswer) => a.batchItemFailures.map((f) => f.itemIdentifier).sort();

interface SentFailure {
  reason: string;
  status: number;
  code: string;
  detail: string;
  messageId: string;
  originalBody: string;
  failedAt: string;
}

function sentFailures(): SentFailure[] {
  return sqsMock.commandCalls(SendMessageBatchCommand).flatMap((c) => {
    expect(c.args[0].input.QueueUrl).toBe(FAILED_QUEUE);
    return (c.args[0].input.Entries ?? []).map((e) => JSON.parse(e.MessageBody!) as SentFailure);
  });
}

const cciCallsFor = (name: string) => emu.requests().filter((r) => r.service === 'cci' && r.path.endsWith(`/jobs/${name}`));
const stormOn = (name: string) =>
  emu.addFault({ path: new RegExp(`/jobs/${name}$`), times: Infinity, action: { type: 'status', status: 503 } });

describe('patchFromQueue on SQS', () => {
  it('the sample events apply cleanly', async () => {
    const handler = await coldHandler('patchFromQueue');
    expect(await invokeSqs(handler, STD)).toEqual({ batchItemFailures: [] });
    expect(await invokeSqs(handler, FIFO)).toEqual({ batchItemFailures: [] });
    expect(emu.getJob(NS, 'openmpi-hello-2-com')!.spec.tasks.find((t) => t.name === 'mpiworker')!.replicas).toBe(5);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('a mixed batch of 10 reports exactly the retryable one; permanent ones reach the failure queue with reasons', async () => {
    const a = freshJob('mix-a');
    const b = freshJob('mix-b');
    const storm = freshJob('mix-storm');
    stormOn(storm);
    const bodies = [
      msg(a, { labels: { app: 'one', obsolete: null } }), // 0 ok
      '{"namespace": "cci-namespace-42263891", "name":', // 1 bad JSON
      msg(a, { labels: { app: 'other' } }, 'other-ns'), // 2 namespace not allowed
      msg('no-such-job', { labels: { app: 'x' } }), // 3 unknown job
      msg(b, { replicas: { nosuchtask: 2 } }), // 4 unknown task
      msg(a, { labels: { 'bad key!': 'x' } }), // 5 invalid label
      msg(storm, { labels: { app: 'storm' } }), // 6 503 storm: retryable
      msg(b, { replicas: { mpiworker: 4 } }), // 7 ok, after a permanent failure of the same job
      msg(a, { annotations: { owner: 'team-a' } }), // 8 ok
      msg('Bad_Name', { labels: { app: 'x' }, extra: 1 }), // 9 schema: unknown field, invalid name
    ];
    const handler = await coldHandler('patchFromQueue');
    const answer = await invokeSqs(handler, sqsEvent(bodies));
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-6' }] });

    const sent = sentFailures();
    expect(sent.map((s) => s.messageId).sort()).toEqual(['msg-1', 'msg-2', 'msg-3', 'msg-4', 'msg-5', 'msg-9']);
    const byId = Object.fromEntries(sent.map((s) => [s.messageId, s]));
    expect(byId['msg-1']).toMatchObject({ status: 400, code: 'invalid-json', originalBody: bodies[1] });
    expect(byId['msg-2']).toMatchObject({ status: 403, code: 'namespace-not-allowed', originalBody: bodies[2] });
    expect(byId['msg-3']).toMatchObject({ status: 404, code: 'job-not-found' });
    expect(byId['msg-4']).toMatchObject({ status: 422, code: 'unknown-task' });
    expect(byId['msg-5']).toMatchObject({ status: 422, code: 'field-not-updatable' });
    expect(byId['msg-9']).toMatchObject({ status: 400, code: 'invalid-body' });
    for (const s of sent) {
      expect(s.reason).toMatch(new RegExp(`^${s.status} `));
      expect(s.detail.length).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(s.failedAt))).toBe(false);
    }
    // Collected and sent together, not one call per failure.
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(1);

    const jobA = emu.getJob(NS, a)!;
    expect(jobA.metadata.labels).toEqual({ app: 'one' });
    expect(jobA.metadata.annotations).toMatchObject({ owner: 'team-a' });
    expect(emu.getJob(NS, b)!.spec.tasks.find((t) => t.name === 'mpiworker')!.replicas).toBe(4);
    expect(emu.getJob(NS, storm)!.metadata.labels).toEqual({ app: 'patchlabel' });
    expect(cciCallsFor(storm).length).toBeGreaterThanOrEqual(2); // retried before giving up
    // Refused before CCI: no call for the bad namespace or the invalid names.
    expect(emu.requests().some((r) => r.path.includes('/namespaces/other-ns/') || r.path.includes('Bad_Name'))).toBe(false);
    expect(logs.lines.some((l) => l.includes('message refused for good') && l.includes('msg-4'))).toBe(true);
  });

  it('when the failure queue refuses, the permanent records are reported as failures instead of dropped', async () => {
    const a = freshJob('sendfail');
    sqsMock.reset();
    sqsMock.on(SendMessageBatchCommand).rejects(new Error('AccessDenied'));
    const handler = await coldHandler('patchFromQueue');
    const answer = await invokeSqs(handler, sqsEvent([msg(a, { labels: { x: 'y' } }), 'not json', msg('no-such-job', { labels: { x: 'y' } })]));
    expect(failedIds(answer)).toEqual(['msg-1', 'msg-2']);
    expect(emu.getJob(NS, a)!.metadata.labels).toMatchObject({ x: 'y' });
    expect(logs.lines.some((l) => l.includes('failure queue send failed'))).toBe(true);
  });

  it('only the entries SQS failed for a transient reason come back; a report SQS refuses as a sender fault is logged, not retried', async () => {
    sqsMock.reset();
    sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
      const [first, second, ...rest] = input.Entries ?? [];
      return {
        Successful: rest.map((e) => ({ Id: e.Id, MessageId: 'x', MD5OfMessageBody: 'x' })),
        Failed: [
          { Id: first!.Id, Code: 'InternalError', SenderFault: false, Message: 'try later' },
          { Id: second!.Id, Code: 'InvalidMessageContents', SenderFault: true, Message: 'no' },
        ],
      };
    });
    const handler = await coldHandler('patchFromQueue');
    const answer = await invokeSqs(handler, sqsEvent(['bad 1', 'bad 2', 'bad 3']));
    expect(failedIds(answer)).toEqual(['msg-0']);
    const kept = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l.msg).startsWith('failure report refused'));
    expect(kept).toMatchObject({ level: 'error', messageId: 'msg-1', originalBody: 'bad 2', status: 400, sendError: 'InvalidMessageContents: no' });
  });

  it('without FAILED_PATCHES_QUEUE_URL permanent failures are logged only and not reported', async () => {
    setEnv({ FAILED_PATCHES_QUEUE_URL: undefined });
    const handler = await coldHandler('patchFromQueue');
    const answer = await invokeSqs(handler, sqsEvent(['{', msg('no-such-job', { labels: { a: 'b' } })]));
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    expect(logs.lines.filter((l) => l.includes('message refused for good'))).toHaveLength(2);
  });

  it('the same batch delivered twice leaves the job identical, resourceVersion included', async () => {
    const a = freshJob('twice');
    const bodies = [
      msg(a, { labels: { app: 'twice', obsolete: null, tier: 'batch' } }),
      msg(a, { annotations: { owner: 'team-b' } }),
      msg(a, { replicas: { mpiworker: 6 } }),
      msg(a, { labels: { team: 'a', never: null } }),
      msg(a, { replicas: { mpiworker: 6, mpimaster: 1 }, minAvailable: 1 }),
      'not json', // permanent: goes to the failure queue on both deliveries, touches nothing
    ];
    const handler = await coldHandler('patchFromQueue');
    expect(await invokeSqs(handler, sqsEvent(bodies))).toEqual({ batchItemFailures: [] });
    const once = emu.getJob(NS, a)!;
    expect(once.metadata.labels).toEqual({ app: 'twice', tier: 'batch', team: 'a' });
    expect(once.spec.tasks.find((t) => t.name === 'mpiworker')!.replicas).toBe(6);

    // Redelivery (another instance: cold) of the whole batch: nothing is written again.
    const again = await coldHandler('patchFromQueue');
    expect(await invokeSqs(again, sqsEvent(bodies))).toEqual({ batchItemFailures: [] });
    const twice = emu.getJob(NS, a)!;
    expect(twice).toEqual(once);
    expect(twice.metadata.resourceVersion).toBe(once.metadata.resourceVersion);
    expect(sentFailures().map((f) => f.messageId)).toEqual(['msg-5', 'msg-5']);
  });

  it('a batch that moves a job back and forth ends in the same state when replayed (only the version moves)', async () => {
    const a = freshJob('replay');
    // 6 then 1: a replay passes through 6 again, so it writes, but ends where the first delivery did.
    const bodies = [msg(a, { replicas: { mpiworker: 6 }, labels: { x: '1' } }), msg(a, { replicas: { mpiworker: 1 }, minAvailable: 1, labels: { x: '2' } })];
    const handler = await coldHandler('patchFromQueue');
    expect(await invokeSqs(handler, sqsEvent(bodies))).toEqual({ batchItemFailures: [] });
    const once = emu.getJob(NS, a)!;
    expect(await invokeSqs(handler, sqsEvent(bodies))).toEqual({ batchItemFailures: [] });
    const twice = emu.getJob(NS, a)!;
    const state = (j: Job) => ({ labels: j.metadata.labels, annotations: j.metadata.annotations, spec: j.spec });
    expect(state(twice)).toEqual(state(once));
    expect(twice.spec.tasks.find((t) => t.name === 'mpiworker')).toMatchObject({ replicas: 1 });
  });

  it('one job scaled 3 then 5 in one batch ends at 5, and 5 then 3 ends at 3', async () => {
    const up = freshJob('order-up');
    const down = freshJob('order-down');
    const other = freshJob('order-other');
    const bodies = [
      msg(up, { replicas: { mpiworker: 3 } }),
      msg(down, { replicas: { mpiworker: 5 } }),
      msg(other, { labels: { a: 'b' } }),
      msg(up, { labels: { step: 'two' } }),
      msg(up, { replicas: { mpiworker: 5 } }),
      msg(down, { replicas: { mpiworker: 3 } }),
    ];
    const handler = await coldHandler('patchFromQueue');
    expect(await invokeSqs(handler, sqsEvent(bodies))).toEqual({ batchItemFailures: [] });
    expect(emu.getJob(NS, up)!.spec.tasks.find((t) => t.name === 'mpiworker')!.replicas).toBe(5);
    expect(emu.getJob(NS, down)!.spec.tasks.find((t) => t.name === 'mpiworker')!.replicas).toBe(3);
  });

  it('a retryable failure holds back the later messages of the same job (they come back with it)', async () => {
    const a = freshJob('hold');
    const b = freshJob('free');
    emu.addFault({ path: new RegExp(`/jobs/${a}$`), times: Infinity, action: { type: 'status', status: 503 } });
    const handler = await coldHandler('patchFromQueue');
    const answer = await invokeSqs(
      handler,
      sqsEvent([msg(a, { replicas: { mpiworker: 3 } }), msg(b, { labels: { ok: 'yes' } }), msg(a, { replicas: { mpiworker: 5 } })]),
    );
    expect(failedIds(answer)).toEqual(['msg-0', 'msg-2']);
    expect(emu.getJob(NS, b)!.metadata.labels).toMatchObject({ ok: 'yes' });
    // msg-2 was not attempted: only msg-0's GET retries reached the job.
    expect(cciCallsFor(a).every((r) => r.method === 'GET')).toBe(true);
  });

  it('FIFO: a retryable failure fails the rest of its group unattempted; other groups proceed', async () => {
    const storm = freshJob('fifo-storm');
    const a2 = freshJob('fifo-a');
    const b = freshJob('fifo-b');
    stormOn(storm);
    const groups = ['A', 'B', 'A', 'B', 'A', 'B'];
    const bodies = [
      msg(storm, { labels: { step: '1' } }), // A: retryable
      msg(b, { labels: { step: '1' } }), // B: ok
      msg(a2, { labels: { step: '2' } }), // A: skipped
      '{not json', // B: permanent, delivered to the failure queue, so B goes on
      'also not json', // A: skipped, not sent anywhere
      msg(b, { replicas: { mpiworker: 7 } }), // B: ok
    ];
    const handler = await coldHandler('patchFromQueue');
    const answer = await invokeSqs(handler, sqsEvent(bodies, (i) => groups[i]));
    expect(failedIds(answer)).toEqual(['msg-0', 'msg-2', 'msg-4']);
    expect(cciCallsFor(a2)).toHaveLength(0);
    expect(emu.getJob(NS, a2)!.metadata.labels).toEqual({ app: 'patchlabel' });
    const jobB = emu.getJob(NS, b)!;
    expect(jobB.metadata.labels).toMatchObject({ step: '1' });
    expect(jobB.spec.tasks.find((t) => t.name === 'mpiworker')!.replicas).toBe(7);
    expect(sentFailures().map((s) => s.messageId)).toEqual(['msg-3']);
    expect(logs.lines.some((l) => l.includes('"skipped":2'))).toBe(true);
  });

  it('FIFO: a permanent failure that could not be sent to the failure queue holds back its group', async () => {
    const b = freshJob('fifo-hold');
    sqsMock.reset();
    sqsMock.on(SendMessageBatchCommand).rejects(new Error('throttled'));
    const handler = await coldHandler('patchFromQueue');
    const answer = await invokeSqs(handler, sqsEvent(['{bad', msg(b, { labels: { step: '2' } })], () => 'G'));
    expect(failedIds(answer)).toEqual(['msg-0', 'msg-1']);
    expect(cciCallsFor(b)).toHaveLength(0);
  });

  it('deadline: with too little time left, no record is started and all are reported', async () => {
    const a = freshJob('late');
    const handler = await coldHandler('patchFromQueue');
    const answer = await invokeSqs(handler, sqsEvent([msg(a, { labels: { x: '1' } }), msg(freshJob('late'), { labels: { x: '2' } })]), 1_200);
    expect(failedIds(answer)).toEqual(['msg-0', 'msg-1']);
    expect(emu.stats().cci.total).toBe(0);
  });

  it('deadline: records not started before the time runs low come back; started ones finish', async () => {
    const a = freshJob('slow');
    emu.addFault({ path: new RegExp(`/jobs/${a}$`), times: Infinity, action: { type: 'delay', ms: 1_200 } });
    const bodies = [1, 2, 3, 4].map((i) => msg(a, { labels: { step: String(i) } }));
    const handler = await coldHandler('patchFromQueue');
    // ~3.6 s usable, a record needs 1.5 s of it to start: the first two run, the rest come back.
    const answer = await invokeSqs(handler, sqsEvent(bodies), 4_000);
    expect(failedIds(answer)).toEqual(['msg-2', 'msg-3']);
    expect(emu.getJob(NS, a)!.metadata.labels).toMatchObject({ step: '2' });
    expect(logs.lines.some((l) => l.includes('"skipped":2'))).toBe(true);
  });
});

describe('patchFromQueue on FunctionGraph (Kafka / DMS / RocketMQ)', () => {
  const fgContext = (remainingMs = 30_000) => functionGraphContext({ remainingMs });

  it('the sample events apply cleanly and return the summary', async () => {
    const handler = await coldHandler('patchFromQueue');
    expect(await handler(kafkaSample(), fgContext())).toEqual({ processed: 3, failed: [] });
    expect(await handler(rocketMqSample(), fgContext())).toEqual({ processed: 3, failed: [] });
  });

  it('permanent failures go to the failure queue and are listed by index; the rest is applied', async () => {
    const a = freshJob('kafka-a');
    const bodies = [
      msg(a, { replicas: { mpiworker: 3 } }),
      'bad json',
      msg(a, { labels: { via: 'kafka' } }),
      msg('no-such-job', { labels: { a: 'b' } }),
      msg(a, { replicas: { mpiworker: 5 } }),
    ];
    const handler = await coldHandler('patchFromQueue');
    const summary = (await handler(kafkaEvent(bodies), fgContext())) as { processed: number; failed: Array<{ index: number; reason: string }> };
    expect(summary.processed).toBe(3);
    expect(summary.failed.map((f) => f.index)).toEqual([1, 3]);
    expect(summary.failed[0]!.reason).toMatch(/^400 /);
    expect(summary.failed[1]!.reason).toMatch(/^404 /);
    // Ids r<i>m<j>: bodies 0-2 in record 0, 3-4 in record 1.
    expect(sentFailures().map((s) => s.messageId).sort()).toEqual(['r0m1', 'r1m0']);
    const job = emu.getJob(NS, a)!;
    expect(job.metadata.labels).toMatchObject({ via: 'kafka' });
    expect(job.spec.tasks.find((t) => t.name === 'mpiworker')!.replicas).toBe(5);
  });

  it('a retryable failure fails the invocation after every other message was attempted', async () => {
    const a = freshJob('kafka-ok');
    const storm = freshJob('kafka-storm');
    stormOn(storm);
    const bodies = [msg(storm, { labels: { x: '1' } }), msg(a, { labels: { x: '1' } }), 'bad', msg(a, { replicas: { mpiworker: 4 } })];
    const handler = await coldHandler('patchFromQueue');
    await expect(handler(kafkaEvent(bodies), fgContext())).rejects.toThrow(/^1 of 4 queued messages met a retryable failure \(r0m0/);
    const job = emu.getJob(NS, a)!;
    expect(job.metadata.labels).toMatchObject({ x: '1' });
    expect(job.spec.tasks.find((t) => t.name === 'mpiworker')!.replicas).toBe(4);
    expect(sentFailures().map((s) => s.messageId)).toEqual(['r1m0']);
  });

  it('an event that is neither SQS nor FunctionGraph queue is refused', async () => {
    const handler = await coldHandler('patchFromQueue');
    await expect(handler({ hello: 'world' }, lambdaContext())).rejects.toThrow(/neither an SQS event/);
  });
});
