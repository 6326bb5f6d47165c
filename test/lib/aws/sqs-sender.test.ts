/**
 * SendMessageBatch through aws-sdk-client-mock: batches of 10, failed entries retried (BACKOFF.sqs),
 * sender faults not retried, SDK errors retried, the deadline respected, FIFO rules.
 */
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fifoGroupId, isFifoQueue, MAX_GROUP_ID, sendMessages, type OutgoingMessage } from '../../../lib/aws/sqs-sender';
import { Deadline } from '../../../lib/core/deadline';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/q';
const sqs = mockClient(SQSClient);
afterAll(() => sqs.restore());
beforeEach(() => {
  sqs.reset();
  process.env.AWS_REGION ??= 'eu-west-1';
});

type Entry = NonNullable<SendMessageBatchCommandInput['Entries']>[number];
const ok = (entries: Entry[]) => entries.map((e) => ({ Id: e.Id!, MessageId: `mid-${e.Id}`, MD5OfMessageBody: 'x' }));
const messages = (n: number, extra: Partial<OutgoingMessage> = {}): OutgoingMessage[] => Array.from({ length: n }, (_, i) => ({ id: `id-${i}`, body: `body-${i}`, ...extra }));
const calls = () => sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);

describe('sendMessages', () => {
  it('nothing to send: no call', async () => {
    expect(await sendMessages(QUEUE, [], Deadline.after(1_000))).toEqual({ sent: 0, failed: [] });
    expect(calls()).toHaveLength(0);
  });

  it('batches by 10, entry ids unique per batch, bodies as given', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({ Successful: ok(input.Entries!), Failed: [] }));
    expect(await sendMessages(QUEUE, messages(23), Deadline.after(5_000))).toEqual({ sent: 23, failed: [] });
    expect(calls().map((c) => c.Entries!.length)).toEqual([10, 10, 3]);
    expect(calls()[0]!.QueueUrl).toBe(QUEUE);
    expect(calls()[2]!.Entries!.map((e) => e.MessageBody)).toEqual(['body-20', 'body-21', 'body-22']);
    for (const c of calls()) expect(new Set(c.Entries!.map((e) => e.Id)).size).toBe(c.Entries!.length);
    expect(calls()[0]!.Entries![0]).toEqual({ Id: 'm0', MessageBody: 'body-0' });
  });

  it('entries SQS reports failed (not sender faults) are sent again, only those', async () => {
    let call = 0;
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
      call++;
      const entries = input.Entries!;
      if (call === 1) return { Successful: ok(entries.slice(2)), Failed: entries.slice(0, 2).map((e) => ({ Id: e.Id!, SenderFault: false, Code: 'InternalError', Message: 'try again' })) };
      return { Successful: ok(entries), Failed: [] };
    });
    expect(await sendMessages(QUEUE, messages(5), Deadline.after(5_000))).toEqual({ sent: 5, failed: [] });
    expect(calls().map((c) => c.Entries!.map((e) => e.MessageBody))).toEqual([['body-0', 'body-1', 'body-2', 'body-3', 'body-4'], ['body-0', 'body-1']]);
  });

  it('sender faults are reported at once and never retried', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
      Successful: ok(input.Entries!.filter((e) => e.Id !== 'm1')),
      Failed: input.Entries!.filter((e) => e.Id === 'm1').map((e) => ({ Id: e.Id!, SenderFault: true, Code: 'InvalidParameterValue', Message: 'too long' })),
    }));
    expect(await sendMessages(QUEUE, messages(3), Deadline.after(5_000))).toEqual({ sent: 2, failed: [{ id: 'id-1', reason: 'InvalidParameterValue: too long', senderFault: true }] });
    expect(calls()).toHaveLength(1);
  });

  it('an entry that keeps failing is given up after 3 attempts, with SQS\'s reason', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
      Successful: [],
      Failed: input.Entries!.map((e) => ({ Id: e.Id!, SenderFault: false, Code: 'ServiceUnavailable', Message: 'later' })),
    }));
    const started = Date.now();
    expect(await sendMessages(QUEUE, messages(2), Deadline.after(10_000))).toEqual({
      sent: 0,
      failed: [{ id: 'id-0', reason: 'ServiceUnavailable: later' }, { id: 'id-1', reason: 'ServiceUnavailable: later' }],
    });
    expect(calls()).toHaveLength(3);
    // Waits of 200 and 400 ms (BACKOFF.sqs).
    expect(Date.now() - started).toBeGreaterThanOrEqual(590);
  });

  it('an SDK error (throttling, network) is retried for the whole batch; its name is the reason when it persists', async () => {
    sqs.on(SendMessageBatchCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).callsFake((input: SendMessageBatchCommandInput) => ({ Successful: ok(input.Entries!), Failed: [] }));
    expect(await sendMessages(QUEUE, messages(2), Deadline.after(5_000))).toEqual({ sent: 2, failed: [] });
    sqs.reset();
    sqs.on(SendMessageBatchCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'NetworkingError' }));
    const out = await sendMessages(QUEUE, messages(1), Deadline.after(5_000));
    expect(out).toEqual({ sent: 0, failed: [{ id: 'id-0', reason: 'NetworkingError: socket hang up' }] });
  });

  it('no retry wait that outlasts the deadline, and no call without time: the rest is reported, not dropped', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
      Successful: [],
      Failed: input.Entries!.map((e) => ({ Id: e.Id!, SenderFault: false, Code: 'InternalError', Message: 'x' })),
    }));
    const started = Date.now();
    const out = await sendMessages(QUEUE, messages(12), Deadline.after(150));
    expect(Date.now() - started).toBeLessThan(150);
    expect(out.failed.map((f) => f.id)).toEqual(messages(12).map((m) => m.id));
    expect(calls()).toHaveLength(2);

    sqs.reset();
    const none = await sendMessages(QUEUE, messages(1), Deadline.after(0));
    expect(none).toEqual({ sent: 0, failed: [{ id: 'id-0', reason: 'not sent: no time left before the deadline' }] });
    expect(calls()).toHaveLength(0);
  });

  it('each attempt carries an abort signal that fires by the deadline', async () => {
    sqs.on(SendMessageBatchCommand).callsFake(() => new Promise(() => undefined)); // never answers
    void sendMessages(QUEUE, messages(1), Deadline.after(300));
    await new Promise((r) => setTimeout(r, 20));
    const options = (sqs.send.getCall(0).args as unknown[])[1] as { abortSignal?: AbortSignal } | undefined;
    expect(options?.abortSignal).toBeInstanceOf(AbortSignal);
    expect(options!.abortSignal!.aborted).toBe(false);
    await new Promise((r) => setTimeout(r, 320));
    expect(options!.abortSignal!.aborted).toBe(true);
  });

  it('FIFO fields are passed only when set', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({ Successful: ok(input.Entries!), Failed: [] }));
    await sendMessages(`${QUEUE}.fifo`, [{ id: 'a', body: 'b', groupId: 'g', deduplicationId: 'd' }, { id: 'c', body: 'd' }], Deadline.after(5_000));
    expect(calls()[0]!.Entries).toEqual([
      { Id: 'm0', MessageBody: 'b', MessageGroupId: 'g', MessageDeduplicationId: 'd' },
      { Id: 'm1', MessageBody: 'd' },
    ]);
  });
});

describe('FIFO rules', () => {
  it('a FIFO queue is named *.fifo', () => {
    expect(isFifoQueue('https://sqs.eu-west-1.amazonaws.com/1/q.fifo')).toBe(true);
    expect(isFifoQueue('https://sqs.eu-west-1.amazonaws.com/1/q')).toBe(false);
    expect(isFifoQueue('https://sqs.eu-west-1.amazonaws.com/1/fifo')).toBe(false);
  });

  it('fifoGroupId keeps ids up to 128 characters and shortens longer ones stably and distinctly', () => {
    expect(MAX_GROUP_ID).toBe(128);
    expect(fifoGroupId('ns/job')).toBe('ns/job');
    const exact = 'x'.repeat(128);
    expect(fifoGroupId(exact)).toBe(exact);
    const long = `${'n'.repeat(63)}/${'j'.repeat(200)}`;
    const g = fifoGroupId(long);
    expect(g).toHaveLength(128);
    expect(g).toBe(fifoGroupId(long));
    expect(g.startsWith(long.slice(0, 100))).toBe(true);
    expect(g).toMatch(/~[0-9a-f]{16}$/);
    expect(fifoGroupId(long + 'a')).not.toBe(g);
    expect(fifoGroupId('y'.repeat(129))).not.toBe(fifoGroupId('y'.repeat(130)));
  });
});
