/**
 * Where permanent failures go: the failure queue's message (built to fit SQS's 256 KiB in bytes,
 * never dropped), the log-only sink, and the SQS sink (aws-sdk-client-mock): collected until flush,
 * batches SQS accepts (10 entries, 256 KiB), FIFO group ids bounded to 128 characters and
 * deduplication ids, delivery verdicts (a sender fault logged with the report, not retried).
 */
import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../lib/core/deadline';
import { AppError } from '../../../lib/core/errors';
import { memoryLogger } from '../../support/log';
import { acceptAll, refuseSome } from '../../support/sqs';
import { fifoGroupId, MAX_GROUP_ID } from '../../../lib/aws/sqs-sender';
import { failedPatchMessage, logOnlySink, MAX_REPORT_BYTES, sqsFailureSink, type PermanentFailure } from '../../../lib/queue/failure-sink';

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

describe('failedPatchMessage', () => {
  it('failure queue message carries reason, status, code, detail, id, original body and time', () => {
    const m = failedPatchMessage(
      { messageId: 'id1', originalBody: 'x'.repeat(300_000), error: new AppError(422, 'unknown-task', 'no task', { errors: [{ path: '/replicas/t', message: 'unknown' }] }), reason: '422 Unprocessable Content: no task' },
      'req-1',
      new Date('2026-01-01T00:00:00Z'),
    );
    expect(m).toMatchObject({ reason: '422 Unprocessable Content: no task', status: 422, code: 'unknown-task', detail: 'no task', messageId: 'id1', failedAt: '2026-01-01T00:00:00.000Z', requestId: 'req-1', originalBodyTruncated: true });
    expect(m.errors).toEqual([{ path: '/replicas/t', message: 'unknown' }]);
    // Cut to fit SQS's 256 KiB, counted in bytes of the JSON sent, as little as fits.
    expect(bytes(m)).toBeLessThanOrEqual(MAX_REPORT_BYTES);
    expect(bytes(m)).toBeGreaterThan(MAX_REPORT_BYTES - 16);
    expect(m.originalBody).toBe('x'.repeat(m.originalBody.length));
  });

  const big = (over: Partial<PermanentFailure> = {}): PermanentFailure => ({ messageId: 'm1', originalBody: '{}', error: new AppError(422, 'field-not-updatable', 'refused'), reason: 'r', ...over });

  it('bytes, not characters, with JSON escaping counted: multi-byte text and quotes that double in JSON', () => {
    // 100,000 "€" (3 bytes each) and 60,000 quotes (2 bytes each once escaped): 420,000 bytes in 160,000 characters.
    const body = '€'.repeat(100_000) + '"'.repeat(60_000);
    const m = failedPatchMessage(big({ originalBody: body }), 'r');
    expect(bytes(m)).toBeLessThanOrEqual(MAX_REPORT_BYTES);
    expect(bytes(m)).toBeGreaterThan(MAX_REPORT_BYTES - 16);
    expect(m.originalBodyTruncated).toBe(true);
    expect(body.startsWith(m.originalBody)).toBe(true);
  });

  it('a long errors list is cut with a marker, never the whole report dropped', () => {
    const errors = Array.from({ length: 5_000 }, (_, i) => ({ path: `/labels/k${i}`, message: `invalid label key "${'x'.repeat(100)}"` }));
    const m = failedPatchMessage(big({ error: new AppError(422, 'field-not-updatable', 'refused', { errors }), originalBody: 'y'.repeat(300_000) }), 'r');
    expect(bytes(m)).toBeLessThanOrEqual(MAX_REPORT_BYTES);
    expect(m.errors).toHaveLength(20);
    expect(m.errorsTruncated).toBe(5_000);
    expect(m.originalBody.length).toBeGreaterThan(200_000);
  });

  it('never splits a surrogate pair', () => {
    const m = failedPatchMessage(big({ originalBody: '😀'.repeat(100_000) }), 'r', new Date(), 1_000);
    expect(m.originalBody.length % 2).toBe(0);
    expect(bytes(m)).toBeLessThanOrEqual(1_000);
  });



  it('leaves optional fields out and keeps a body at the limit whole', () => {
    const m = failedPatchMessage({ messageId: 'i', originalBody: 'y'.repeat(200_000), error: new AppError(400, 'c', 'd'), reason: 'r' }, 'req', new Date(0));
    expect(Object.keys(m).sort()).toEqual(['code', 'detail', 'failedAt', 'messageId', 'originalBody', 'reason', 'requestId', 'status']);
    expect(m.originalBody).toHaveLength(200_000);
    const named = failedPatchMessage({ messageId: 'i', originalBody: '{}', error: new AppError(400, 'c', 'd'), reason: 'r', namespace: 'ns', name: 'j' }, 'req');
    expect(named).toMatchObject({ namespace: 'ns', name: 'j' });
  });
});

describe('logOnlySink', () => {
  it('every failure counts as delivered; flush does nothing', async () => {
    const sink = logOnlySink();
    await expect(sink.add({ messageId: 'a', originalBody: '', error: new AppError(400, 'c', 'd'), reason: 'r' })).resolves.toBe(true);
    await expect(sink.flush()).resolves.toBeUndefined();
  });
});

describe('sqsFailureSink', () => {
  const sqs = mockClient(SQSClient);
  const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/failed';
  const log = memoryLogger();
  afterAll(() => sqs.restore());
  beforeEach(() => {
    sqs.reset();
    log.lines.length = 0;
    process.env.AWS_REGION ??= 'eu-west-1';
    sqs.on(SendMessageBatchCommand).callsFake(acceptAll);
  });
  const failure = (i: number, extra: Partial<PermanentFailure> = {}): PermanentFailure => ({
    messageId: `msg-${i}`,
    originalBody: `{"n":${i}}`,
    error: new AppError(422, 'unknown-task', 'no task'),
    reason: '422: no task',
    ...extra,
  });
  const entries = () => sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries!);

  it('sends nothing until flush, then everything in batches of 10; each add resolves true', async () => {
    const sink = sqsFailureSink(QUEUE, 'req-1', log, Deadline.after(5_000));
    const added = Array.from({ length: 12 }, (_, i) => sink.add(failure(i)));
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    await sink.flush();
    expect(await Promise.all(added)).toEqual(Array(12).fill(true));
    expect(sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries!.length)).toEqual([10, 2]);
    const body = JSON.parse(entries()[0]!.MessageBody!);
    expect(body).toMatchObject({ messageId: 'msg-0', originalBody: '{"n":0}', status: 422, code: 'unknown-task', requestId: 'req-1' });
    expect(entries()[0]!.MessageGroupId).toBeUndefined();
    await sink.flush();
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
  });

  it('FIFO: grouped by the record\'s group, else by job, else "unparsed"; deduplicated by id and body', async () => {
    const sink = sqsFailureSink(`${QUEUE}.fifo`, 'req', log, Deadline.after(5_000));
    void sink.add(failure(0, { groupId: 'g-1' }));
    void sink.add(failure(1, { namespace: 'ns', name: 'j' }));
    void sink.add(failure(2));
    void sink.add(failure(3, { groupId: 'x'.repeat(300) }));
    await sink.flush();
    const e = entries();
    expect(e.map((x) => x.MessageGroupId?.slice(0, 10))).toEqual(['g-1', 'ns/j', 'unparsed', 'xxxxxxxxxx']);
    expect(e[3]!.MessageGroupId!.length).toBeLessThanOrEqual(128);
    expect(e[0]!.MessageDeduplicationId).toBe(createHash('sha256').update('msg-0\n{"n":0}').digest('hex'));
    expect(new Set(e.map((x) => x.MessageDeduplicationId)).size).toBe(4);
  });

  it('an entry SQS refuses for a transient reason resolves false (the message comes back), logged without the body', async () => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).callsFake(refuseSome((e) => e.Id === 'm1', { code: 'InternalError', message: 'later', senderFault: false }));
    const sink = sqsFailureSink(QUEUE, 'req', log, Deadline.after(1_000));
    const results = [sink.add(failure(0)), sink.add(failure(1, { originalBody: 'secret-ish body' }))];
    await sink.flush();
    expect(await Promise.all(results)).toEqual([true, false]);
    expect(log.lines).toEqual([{ level: 'error', msg: 'failure queue send failed', fields: { messageId: 'msg-1', sendError: 'InternalError: later' } }]);
  });

  it('a report SQS refuses as a sender fault is logged whole (cut to 16 KiB) and counts as handled: no retry', async () => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).callsFake(refuseSome(() => true, { code: 'InvalidMessageContents', message: 'bad', senderFault: true }));
    const sink = sqsFailureSink(QUEUE, 'req', log, Deadline.after(5_000));
    const result = sink.add(failure(0, { originalBody: 'z'.repeat(100_000) }));
    await sink.flush();
    expect(await result).toBe(true);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({ level: 'error', fields: { messageId: 'msg-0', status: 422, code: 'unknown-task', sendError: 'InvalidMessageContents: bad', originalBodyTruncated: true } });
    expect(bytes(log.lines[0])).toBeLessThan(17 * 1024);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1); // not retried
  });

  it('batches hold at most 256 KiB of bodies in all', async () => {
    const sink = sqsFailureSink(QUEUE, 'req', log, Deadline.after(5_000));
    const all = Array.from({ length: 6 }, (_, i) => sink.add(failure(i, { originalBody: 'z'.repeat(200_000) })));
    await sink.flush();
    expect(await Promise.all(all)).toEqual(Array(6).fill(true));
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries!);
    expect(calls).toHaveLength(6);
    for (const batch of calls) expect(batch.reduce((n, e) => n + Buffer.byteLength(e.MessageBody!), 0)).toBeLessThanOrEqual(256 * 1024);
  });

  it('FIFO: a namespace/name longer than 128 characters becomes a bounded, stable group id', async () => {
    const sink = sqsFailureSink(`${QUEUE}.fifo`, 'req', log, Deadline.after(5_000));
    const long = { namespace: 'n'.repeat(63), name: 'j'.repeat(200) };
    void sink.add(failure(0, long));
    void sink.add(failure(1, long));
    await sink.flush();
    const ids = entries().map((e) => e.MessageGroupId!);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(MAX_GROUP_ID);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[0]).toBe(fifoGroupId(`${long.namespace}/${long.name}`));
  });

  it('a flush with no time left reports every failure as not delivered', async () => {
    const sink = sqsFailureSink(QUEUE, 'req', log, Deadline.after(0));
    const r = sink.add(failure(0));
    await sink.flush();
    expect(await r).toBe(false);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });
});
