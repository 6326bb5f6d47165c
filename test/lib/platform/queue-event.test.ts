/**
 * Queue trigger events in and platform answers out: SQS records (standard and FIFO) and
 * FunctionGraph Kafka / RocketMQ records, from the events/ samples and the shared factories.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../lib/core/errors';
import { answerFor, functionGraphAnswer, queueBatchFrom, RetryableBatchError, sqsBatchResponse } from '../../../lib/platform/queue-event';
import { SKIP_FIFO, type RecordOutcome } from '../../../lib/queue/batch';
import { functionGraphQueueEvent, kafkaSample, rocketMqSample, sqsEvent } from '../../support/events';
import { loadEvent } from '../../support/http-events';

describe('queue events', () => {
  const outcomes: RecordOutcome[] = [
    { id: 'm0', status: 'ok' },
    { id: 'm1', status: 'permanent', reason: '400 Bad Request: x', error: new AppError(400, 'x', 'x') },
    { id: 'm2', status: 'retryable', reason: '503 Service Unavailable: down' },
    { id: 'm3', status: 'skipped', reason: SKIP_FIFO },
  ];

  it('SQS: FIFO group ids are read; only retryable and skipped records are reported', () => {
    const batch = queueBatchFrom({
      Records: [
        { messageId: 'm0', body: '{}', attributes: {} },
        { messageId: 'm1', body: '{}', attributes: { MessageGroupId: 'g' } },
      ],
    });
    expect(batch.records).toEqual([
      { id: 'm0', body: '{}' },
      { id: 'm1', body: '{}', groupId: 'g' },
    ]);
    expect(answerFor(batch, outcomes)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }] });
  });

  it('FunctionGraph: ids r<i>m<j>; throws naming the count when something must come back, else a summary', () => {
    const batch = queueBatchFrom({
      event_version: 'v1.0',
      trigger_type: 'KAFKA',
      instance_id: 'i',
      records: [{ messages: ['a', { b: 1 }], topic_id: 't' }, { messages: ['c'] }],
    });
    expect(batch.records).toEqual([
      { id: 'r0m0', body: 'a' },
      { id: 'r0m1', body: '{"b":1}' },
      { id: 'r1m0', body: 'c' },
    ]);
    expect(() => answerFor(batch, outcomes)).toThrow(RetryableBatchError);
    expect(() => answerFor(batch, outcomes)).toThrow(/^2 of 4 queued messages/);
    expect(answerFor(batch, outcomes.slice(0, 2))).toEqual({ processed: 1, failed: [{ index: 1, reason: '400 Bad Request: x' }] });
  });

  it('anything else is refused', () => {
    expect(() => queueBatchFrom({ Records: [{ foo: 1 }] })).toThrow(/neither/);
    expect(() => queueBatchFrom(null)).toThrow(/neither/);
  });
});

describe('queue events from the samples and factories', () => {
  it('the SQS samples: standard without groups, FIFO with MessageGroupId', () => {
    const std = queueBatchFrom(loadEvent('aws/patchFromQueue.json'));
    expect(std.source).toBe('sqs');
    expect(std.records.every((r) => r.groupId === undefined && typeof r.body === 'string')).toBe(true);
    const fifo = queueBatchFrom(loadEvent('aws/patchFromQueue.fifo.json'));
    expect(fifo.records.map((r) => r.groupId)).toEqual(['openmpi-hello-2-com', 'openmpi-hello-2-com', 'openmpi-hello-3-com']);
  });

  it('factory events: SQS ids and groups as built; an empty MessageGroupId is no group', () => {
    const ev = sqsEvent(['a', 'b', 'c'], (i) => (i === 1 ? 'g1' : undefined));
    expect(queueBatchFrom(ev).records).toEqual([{ id: 'msg-0', body: 'a' }, { id: 'msg-1', body: 'b', groupId: 'g1' }, { id: 'msg-2', body: 'c' }]);
    const empty = sqsEvent(['a'], () => '');
    expect(queueBatchFrom(empty).records).toEqual([{ id: 'msg-0', body: 'a' }]);
  });

  it('Kafka (also DMS for Kafka) and RocketMQ samples: trigger type kept, ids r<i>m<j>', () => {
    const kafka = queueBatchFrom(kafkaSample());
    expect(kafka).toMatchObject({ source: 'functiongraph', trigger: 'KAFKA' });
    expect(kafka.records.map((r) => r.id)).toEqual(['r0m0', 'r0m1', 'r1m0']);
    const rocket = queueBatchFrom(rocketMqSample());
    expect(rocket).toMatchObject({ source: 'functiongraph', trigger: 'ROCKETMQ' });
    expect(rocket.records).toHaveLength(3);
    const built = queueBatchFrom(functionGraphQueueEvent('kafka', ['a', 'b', 'c', 'd', 'e'], 2));
    expect(built.records.map((r) => `${r.id}=${r.body}`)).toEqual(['r0m0=a', 'r0m1=b', 'r0m2=c', 'r1m0=d', 'r1m1=e']);
  });

  it('messages that are not strings: null is an empty body, objects are re-serialised; no trigger type is "unknown"', () => {
    const batch = queueBatchFrom({ records: [{ messages: [null, undefined, 5, { a: [1] }] }] });
    expect(batch).toMatchObject({ source: 'functiongraph', trigger: 'unknown' });
    expect(batch.records.map((r) => r.body)).toEqual(['', '', '5', '{"a":[1]}']);
  });

  it('half-SQS events are refused: a record without messageId or with a non-string body', () => {
    for (const ev of [{ Records: [{ messageId: 'a', body: 1 }] }, { Records: [{ body: 'x' }] }, { records: [{ messages: 'x' }] }, { records: 'x' }, [], 'Records']) {
      expect(() => queueBatchFrom(ev)).toThrow(expect.objectContaining({ status: 400, code: 'unsupported-event', retryable: false }));
    }
    expect(queueBatchFrom({ Records: [] })).toEqual({ source: 'sqs', records: [] });
  });
});

describe('answers', () => {
  const permanent: RecordOutcome = { id: 'p', status: 'permanent', reason: 'bad', error: new AppError(400, 'x', 'x') };
  it('SQS: every reported failure listed, nothing else', () => {
    expect(sqsBatchResponse([{ id: 'a', status: 'ok' }, permanent])).toEqual({ batchItemFailures: [] });
    expect(sqsBatchResponse([{ id: 'a', status: 'retryable', reason: 'r' }, { id: 'b', status: 'skipped', reason: SKIP_FIFO }])).toEqual({
      batchItemFailures: [{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }],
    });
  });
  it('FunctionGraph: a summary by position, or an error naming the ids that must come back', () => {
    expect(functionGraphAnswer([{ id: 'r0m0', status: 'ok' }, { ...permanent, id: 'r0m1' }])).toEqual({ processed: 1, failed: [{ index: 1, reason: 'bad' }] });
    let err: unknown;
    try {
      functionGraphAnswer([{ id: 'r0m0', status: 'ok' }, { id: 'r1m0', status: 'retryable', reason: '503 down' }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RetryableBatchError);
    expect((err as RetryableBatchError).ids).toEqual(['r1m0']);
    expect((err as Error).message).toBe('1 of 2 queued messages met a retryable failure (r1m0; first: 503 down); failing the invocation so that they are delivered again');
    expect(answerFor({ source: 'functiongraph', trigger: 'KAFKA', records: [] }, [])).toEqual({ processed: 0, failed: [] });
  });
});
