/**
 * Queue trigger events in, platform answers out:
 * - AWS SQS (`Records[]`): FIFO group from `attributes.MessageGroupId`; the answer is the partial
 *   batch response `{batchItemFailures}` listing the records SQS must deliver again.
 * - FunctionGraph Kafka / DMS for Kafka / RocketMQ (`records[].messages[]`): no partial-batch
 *   answer exists, so any record worth retrying fails the whole invocation (the trigger then
 *   delivers the batch again; re-applying the rest is harmless, the patches are declarative).
 */
import { AppError } from '../core/errors';
import { isJsonObject, type JsonObject } from '../core/json';
import { isReportedFailure, type QueueRecord, type RecordOutcome } from '../queue/batch';

export type QueueBatch =
  | { source: 'sqs'; records: QueueRecord[] }
  | { source: 'functiongraph'; trigger: string; records: QueueRecord[] };

export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

export interface QueueSummary {
  /** Messages applied. `processed + failed.length` is the number of messages in the event. */
  processed: number;
  /** Messages refused for good (sent to the failure sink), by position in the event. */
  failed: Array<{ index: number; reason: string }>;
}

type Obj = JsonObject;
const isObj = isJsonObject;

function isSqsEvent(event: Obj): boolean {
  const records = event.Records;
  return Array.isArray(records) && records.every((r) => isObj(r) && typeof r.messageId === 'string' && typeof r.body === 'string');
}

function isFunctionGraphQueueEvent(event: Obj): boolean {
  const records = event.records;
  return Array.isArray(records) && records.every((r) => isObj(r) && Array.isArray(r.messages));
}

/** A message is a string body; a broker plugin that hands over parsed JSON gets it re-serialised. */
function messageBody(m: unknown): string {
  if (typeof m === 'string') return m;
  if (m === undefined || m === null) return '';
  return JSON.stringify(m);
}

export function queueBatchFrom(event: unknown): QueueBatch {
  if (isObj(event) && isSqsEvent(event)) {
    const records = (event.Records as Obj[]).map((r): QueueRecord => {
      const group = isObj(r.attributes) ? r.attributes.MessageGroupId : undefined;
      return { id: r.messageId as string, body: r.body as string, ...(typeof group === 'string' && group !== '' ? { groupId: group } : {}) };
    });
    return { source: 'sqs', records };
  }
  if (isObj(event) && isFunctionGraphQueueEvent(event)) {
    const records: QueueRecord[] = [];
    (event.records as Obj[]).forEach((r, i) => {
      (r.messages as unknown[]).forEach((m, j) => records.push({ id: `r${i}m${j}`, body: messageBody(m) }));
    });
    return { source: 'functiongraph', trigger: typeof event.trigger_type === 'string' ? event.trigger_type : 'unknown', records };
  }
  throw new AppError(400, 'unsupported-event', 'The event is neither an SQS event (Records[]) nor a FunctionGraph Kafka/DMS/RocketMQ event (records[].messages[])', {
    retryable: false,
  });
}

export function sqsBatchResponse(outcomes: readonly RecordOutcome[]): SqsBatchResponse {
  return { batchItemFailures: outcomes.filter(isReportedFailure).map((o) => ({ itemIdentifier: o.id })) };
}

/** Thrown on FunctionGraph when messages must come back: the trigger retries failed invocations. */
export class RetryableBatchError extends Error {
  readonly ids: string[];
  constructor(ids: string[], total: number, sample: string) {
    super(`${ids.length} of ${total} queued messages met a retryable failure (${ids.join(', ')}; first: ${sample}); failing the invocation so that they are delivered again`);
    this.name = 'RetryableBatchError';
    this.ids = ids;
  }
}

export function functionGraphAnswer(outcomes: readonly RecordOutcome[]): QueueSummary {
  const retry = outcomes.filter(isReportedFailure);
  if (retry.length > 0) throw new RetryableBatchError(retry.map((o) => o.id), outcomes.length, (retry[0] as { reason: string }).reason);
  const failed: QueueSummary['failed'] = [];
  outcomes.forEach((o, index) => {
    if (o.status === 'permanent') failed.push({ index, reason: o.reason });
  });
  return { processed: outcomes.filter((o) => o.status === 'ok').length, failed };
}

export function answerFor(batch: QueueBatch, outcomes: readonly RecordOutcome[]): SqsBatchResponse | QueueSummary {
  return batch.source === 'sqs' ? sqsBatchResponse(outcomes) : functionGraphAnswer(outcomes);
}
