/**
 * Failure reports: built to fit SQS's 256 KiB (bytes, JSON escaping counted), never dropped, FIFO
 * group ids bounded to 128 characters, sent in batches SQS accepts (10 entries, 256 KiB in all),
 * and a report SQS refuses as a sender fault logged instead of turned into a retry.
 */
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fifoGroupId, MAX_GROUP_ID } from '../../../lib/aws/sqs-sender';
import { Deadline } from '../../../lib/core/deadline';
import { AppError } from '../../../lib/core/errors';
import { createLogger, logSink } from '../../../lib/core/log';
import { failedPatchMessage, MAX_REPORT_BYTES, sqsFailureSink, type PermanentFailure } from '../../../lib/queue/failure-sink';

const sqs = mockClient(SQSClient);
afterAll(() => sqs.restore());
let sent: SendMessageBatchCommandInput[] = [];
beforeEach(() => {
  sent = [];
  sqs.reset();
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
    sent.push(input);
    return { Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: 'x', MD5OfMessageBody: 'x' })), Failed: [] };
  });
  process.env.AWS_REGION = 'eu-west-1';
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
});

const failure = (over: Partial<PermanentFailure> = {}): PermanentFailure => ({
  messageId: 'm1',
  originalBody: '{"namespace":"ns","name":"j","labels":{"a":"b"}}',
  error: new AppError(422, 'field-not-updatable', 'refused'),
  reason: '422 Unprocessable Content: refused',
  namespace: 'ns',
  name: 'j',
  ...over,
});
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

describe('failure reports fit the queue', () => {
  it('a small report is sent whole', () => {
    const m = failedPatchMessage(failure(), 'r');
    expect(m.originalBody).toBe(failure().originalBody);
    expect(m.originalBodyTruncated).toBeUndefined();
  });

  it('bytes, not characters, with JSON escaping counted: multi-byte text and quotes that double in JSON', () => {
    // 100,000 "€" (3 bytes each) and 60,000 quotes (2 bytes each once escaped): 420,000 bytes in 160,000 characters.
    const body = '€'.repeat(100_000) + '"'.repeat(60_000);
    const m = failedPatchMessage(failure({ originalBody: body }), 'r');
    expect(bytes(m)).toBeLessThanOrEqual(MAX_REPORT_BYTES);
    expect(bytes(m)).toBeGreaterThan(MAX_REPORT_BYTES - 16); // cut as little as fits
    expect(m.originalBodyTruncated).toBe(true);
    expect(body.startsWith(m.originalBody)).toBe(true);
  });

  it('a long errors list is cut with a marker, never the whole report dropped', () => {
    const errors = Array.from({ length: 5_000 }, (_, i) => ({ path: `/labels/k${i}`, message: `invalid label key "${'x'.repeat(100)}"` }));
    const m = failedPatchMessage(failure({ error: new AppError(422, 'field-not-updatable', 'refused', { errors }), originalBody: 'y'.repeat(300_000) }), 'r');
    expect(bytes(m)).toBeLessThanOrEqual(MAX_REPORT_BYTES);
    expect(m.errors).toHaveLength(20);
    expect(m.errorsTruncated).toBe(5_000);
    expect(m.originalBody.length).toBeGreaterThan(200_000);
  });

  it('never splits a surrogate pair', () => {
    const m = failedPatchMessage(failure({ originalBody: '😀'.repeat(100_000) }), 'r', new Date(), 1_000);
    expect(m.originalBody.length % 2).toBe(0);
    expect(bytes(m)).toBeLessThanOrEqual(1_000);
  });
});

describe('sending reports', () => {
  const sink = (url: string, lines: string[]) => {
    logSink.write = (l) => void lines.push(l);
    return sqsFailureSink(url, 'req', createLogger(), Deadline.after(5_000));
  };
  const original = logSink.write;
  afterAll(() => {
    logSink.write = original;
  });

  it('FIFO: a namespace/name longer than 128 characters becomes a bounded, stable group id', async () => {
    const lines: string[] = [];
    const s = sink('https://sqs.eu-west-1.amazonaws.com/1/failed.fifo', lines);
    const long = { namespace: 'n'.repeat(63), name: `${'j'.repeat(200)}` };
    const delivered = [s.add(failure(long)), s.add(failure({ ...long, messageId: 'm2' })), s.add(failure({ groupId: 'g'.repeat(300), messageId: 'm3' }))];
    await s.flush();
    expect(await Promise.all(delivered)).toEqual([true, true, true]);
    const ids = sent.flatMap((b) => b.Entries!.map((e) => e.MessageGroupId!));
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(MAX_GROUP_ID);
    expect(ids[0]).toBe(ids[1]); // the same job, the same group
    expect(ids[0]).toBe(fifoGroupId(`${long.namespace}/${long.name}`));
    expect(ids[2]).not.toBe(ids[0]);
    expect(fifoGroupId('short/name')).toBe('short/name');
  });

  it('batches hold at most 256 KiB of bodies in all', async () => {
    const s = sink('https://sqs.eu-west-1.amazonaws.com/1/failed', []);
    const all = Array.from({ length: 6 }, (_, i) => s.add(failure({ messageId: `m${i}`, originalBody: 'z'.repeat(200_000) })));
    await s.flush();
    expect(await Promise.all(all)).toEqual(Array(6).fill(true));
    for (const b of sent) expect(b.Entries!.reduce((n, e) => n + Buffer.byteLength(e.MessageBody!), 0)).toBeLessThanOrEqual(256 * 1024);
    expect(sent.length).toBe(6);
  });

  it('a sender fault is logged with the report and counts as handled; a transient failure does not', async () => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [
        { Id: 'm0', Code: 'InvalidParameterValue', SenderFault: true, Message: 'too long' },
        { Id: 'm1', Code: 'InternalError', SenderFault: false, Message: 'later' },
      ],
    });
    const lines: string[] = [];
    const s = sink('https://sqs.eu-west-1.amazonaws.com/1/failed', lines);
    const a = s.add(failure({ messageId: 'a' }));
    const b = s.add(failure({ messageId: 'b' }));
    await s.flush();
    expect(await a).toBe(true);
    expect(await b).toBe(false);
    const kept = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l.msg).startsWith('failure report refused'));
    expect(kept).toMatchObject({ level: 'error', messageId: 'a', originalBody: failure().originalBody, sendError: 'InvalidParameterValue: too long' });
  });
});
