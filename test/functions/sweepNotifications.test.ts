/**
 * sweepJobs' notifications for people, end to end against the emulator: one SNS Publish per event
 * (aws-sdk-client-mock), with a human subject, the SQS message's JSON as body and the `type`,
 * `namespace`, `phase` attributes; SNS bounded by the deadline (a listener that accepts connections
 * and never answers); configuration errors for malformed topic names.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator';
import type { SweepReport } from '../../lib/sweep/run';
import { CLEAN_ENV, setEnv } from '../support/env';
import { captureLogs, coldHandler, contextFor, useBlackHole } from '../support/harness';
import { loadEvent } from '../support/http-events';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:volcano-sweep-events';
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/sweep-events';
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const OLD = iso(Date.now() - 2 * 3_600_000 - 60_000);

let emu: Emulator;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: false });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  for (const line of logs.lines) expect(line).not.toContain('local-dev-token');
});

function sweepEnv(ns: string, extra: Record<string, string | undefined> = {}) {
  setEnv({
    ...CLEAN_ENV,
    CCI_ENDPOINT: emu.url,
    CCI_TOKEN: 'local-dev-token',
    SWEEP_NAMESPACES: ns,
    SWEEP_STUCK_AFTER: '1h',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_ENDPOINT_URL_SNS: undefined,
    ...extra,
  });
}

async function sweep(remainingMs = 30_000): Promise<SweepReport> {
  return (await coldHandler('sweepJobs'))(loadEvent('aws/sweepJobs.json'), contextFor('aws', remainingMs)) as Promise<SweepReport>;
}

describe('SNS (SWEEP_EVENTS_TOPIC_ARN)', () => {
  const snsMock = mockClient(SNSClient);
  const sqsMock = mockClient(SQSClient);
  beforeEach(() => {
    snsMock.reset();
    sqsMock.reset();
    snsMock.on(PublishCommand).callsFake(async () => ({ MessageId: `m-${Math.random()}` }));
    sqsMock.on(SendMessageBatchCommand).callsFake(async (input: { Entries: Array<{ Id: string }> }) => ({ Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: e.Id, MD5OfMessageBody: '' })), Failed: [] }));
  });
  afterAll(() => {
    snsMock.restore();
    sqsMock.restore();
  });

  it('one Publish per event beside the SQS message: human subject, the same JSON body, filter attributes', async () => {
    emu.createJobs('sns-a', 3, { prefix: 'wait', phase: 'Inqueue', lastTransitionTime: OLD });
    emu.createJobs('sns-a', 2, { prefix: 'run', phase: 'Running' });
    sweepEnv('sns-a', { SWEEP_EVENTS_TOPIC_ARN: TOPIC, SWEEP_EVENTS_QUEUE_URL: QUEUE });
    const first = await sweep();
    expect(first.stuck).toHaveLength(3);
    // 3 newly stuck jobs: 3 SQS messages and 3 SNS publishes.
    expect(first.events).toEqual({ sent: 6, failed: [] });
    const publishes = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(publishes).toHaveLength(3);
    const sqsBodies = new Map(
      sqsMock.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries!.map((e) => [JSON.parse(e.MessageBody!).name as string, e.MessageBody!])),
    );
    for (const p of publishes) {
      expect(p.TopicArn).toBe(TOPIC);
      const body = JSON.parse(p.Message!);
      expect(p.Message).toBe(sqsBodies.get(body.name));
      expect(body).toMatchObject({ type: 'stuck', namespace: 'sns-a', from: 'Inqueue', to: 'Inqueue', since: OLD });
      // The emulator's PodGroup says why (the gang plugin's condition); SNS takes fewer than 100 characters.
      expect(p.Subject).toMatch(new RegExp(`^Job sns-a/${body.name} stuck in Inqueue for 2h1m: \\d+/\\d+ tasks in gang unschedulable: `));
      expect(p.Subject!.length).toBeLessThan(100);
      expect(body.podGroup).toMatchObject({ phase: 'Inqueue', reason: 'NotEnoughResources' });
      expect(p.MessageAttributes).toEqual({
        type: { DataType: 'String', StringValue: 'stuck' },
        namespace: { DataType: 'String', StringValue: 'sns-a' },
        phase: { DataType: 'String', StringValue: 'Inqueue' },
      });
      expect(p.MessageGroupId).toBeUndefined();
    }

    // Transitions: Running → Failed, Inqueue → Running.
    snsMock.resetHistory();
    emu.setPhase('sns-a', 'run-00000', 'Failed');
    emu.setPhase('sns-a', 'wait-00000', 'Running');
    const second = await sweep();
    expect(second.transitions).toHaveLength(2);
    const subjects = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject).sort();
    expect(subjects).toEqual(['Job sns-a/run-00000: Running → Failed', 'Job sns-a/wait-00000: Inqueue → Running']);
    const failed = snsMock.commandCalls(PublishCommand).find((c) => c.args[0].input.Subject!.includes('Failed'))!.args[0].input;
    expect(failed.MessageAttributes!.type!.StringValue).toBe('transition');
    expect(failed.MessageAttributes!.phase!.StringValue).toBe('Failed');

    // Nothing changed: nothing published.
    snsMock.resetHistory();
    await sweep();
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('a failed Publish is retried, then reported with its channel; the sweep and the other channel go on', async () => {
    emu.createJobs('sns-b', 2, { prefix: 'wait', phase: 'Pending', lastTransitionTime: OLD });
    sweepEnv('sns-b', { SWEEP_EVENTS_TOPIC_ARN: TOPIC, SWEEP_EVENTS_QUEUE_URL: QUEUE });
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
    const denied = Object.assign(new Error('not authorized to perform SNS:Publish'), { name: 'AuthorizationErrorException' });
    snsMock.on(PublishCommand).rejectsOnce(throttled).callsFake(async (input: { Message: string }) => {
      if (JSON.parse(input.Message).name === 'wait-00001') throw denied;
      return { MessageId: 'ok' };
    });
    const r = await sweep();
    expect(r.complete).toBe(true);
    // 2 SQS messages + 1 SNS publish (after one throttled attempt); the denied one is not retried.
    expect(r.events!.sent).toBe(3);
    expect(r.events!.failed).toEqual([{ type: 'stuck', namespace: 'sns-b', name: 'wait-00001', reason: 'sns: AuthorizationErrorException: not authorized to perform SNS:Publish' }]);
    expect(snsMock.commandCalls(PublishCommand).length).toBe(3);
  });

  it('a malformed SWEEP_EVENTS_TOPIC_ARN is a configuration error naming the variable', async () => {
    sweepEnv('sns-c', { SWEEP_EVENTS_TOPIC_ARN: 'volcano-sweep-events' });
    await expect(sweep()).rejects.toMatchObject({ status: 500, code: 'config', message: expect.stringContaining('SWEEP_EVENTS_TOPIC_ARN') });
  });
});

describe('SNS bounded by the deadline', () => {
  const hole = useBlackHole();

  it('an SNS endpoint that accepts connections and never answers: the sweep returns in time and reports the events as not sent', async () => {
    emu.createJobs('sns-hole', 2, { prefix: 'wait', phase: 'Pending', lastTransitionTime: OLD });
    sweepEnv('sns-hole', { SWEEP_EVENTS_TOPIC_ARN: TOPIC, AWS_ENDPOINT_URL_SNS: hole.url, AWS_MAX_ATTEMPTS: '1' });
    const started = Date.now();
    const r = await sweep(3_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(hole.accepted).toBeGreaterThan(0);
    expect(r.stuck).toHaveLength(2);
    expect(r.events!.sent).toBe(0);
    expect(r.events!.failed.map((f) => f.name).sort()).toEqual(['wait-00000', 'wait-00001']);
    for (const f of r.events!.failed) expect(f.reason).toMatch(/^sns: /);
  });
});
