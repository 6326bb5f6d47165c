/**
 * Where queued patch requests that can never succeed go: always the log, and the
 * `FAILED_PATCHES_QUEUE_URL` queue when one is configured, with the original body and the reason
 * so an operator can fix and resend them.
 *
 * Failures are collected and sent together on `flush()` (one SendMessageBatch per 10), because
 * most callers only need to know the outcome at the end of the batch. A caller whose next step
 * depends on the outcome (a FIFO group with later messages) flushes right away.
 */
import { createHash } from 'node:crypto';
// sqs-sender loads the SQS SDK on first send only: batches without permanent failures never do.
import { fifoGroupId, isFifoQueue, sendMessages } from '../aws/sqs-sender';
import type { Deadline } from '../core/deadline';
import type { AppError, FieldIssue } from '../core/errors';
import type { Logger } from '../core/log';

export interface PermanentFailure {
  messageId: string;
  originalBody: string;
  error: AppError;
  reason: string;
  groupId?: string;
  namespace?: string;
  name?: string;
}

export interface FailureSink {
  /** Queues a failure; the promise says whether it was delivered, once a flush has run. */
  add(failure: PermanentFailure): Promise<boolean>;
  /** Sends everything added so far. */
  flush(): Promise<void>;
}

/** The failure queue's message body. */
export interface FailedPatchMessage {
  reason: string;
  status: number;
  code: string;
  detail: string;
  errors?: FieldIssue[];
  messageId: string;
  namespace?: string;
  name?: string;
  originalBody: string;
  originalBodyTruncated?: boolean;
  failedAt: string;
  requestId: string;
}

/** SQS takes at most 256 KiB per message; a huge original body is cut rather than never sent. */
const MAX_ORIGINAL_BODY = 200_000;

export function failedPatchMessage(f: PermanentFailure, requestId: string, now = new Date()): FailedPatchMessage {
  const truncated = f.originalBody.length > MAX_ORIGINAL_BODY;
  return {
    reason: f.reason,
    status: f.error.status,
    code: f.error.code,
    detail: f.error.message,
    ...(f.error.errors ? { errors: f.error.errors } : {}),
    messageId: f.messageId,
    ...(f.namespace !== undefined ? { namespace: f.namespace } : {}),
    ...(f.name !== undefined ? { name: f.name } : {}),
    originalBody: truncated ? f.originalBody.slice(0, MAX_ORIGINAL_BODY) : f.originalBody,
    ...(truncated ? { originalBodyTruncated: true } : {}),
    failedAt: now.toISOString(),
    requestId,
  };
}

/** Only the log: nothing to wait for, nothing that can fail. */
export function logOnlySink(): FailureSink {
  return { add: async () => true, flush: async () => undefined };
}

interface Pending {
  failure: PermanentFailure;
  resolve: (delivered: boolean) => void;
}

export function sqsFailureSink(queueUrl: string, requestId: string, log: Logger, deadline: Deadline): FailureSink {
  let pending: Pending[] = [];
  const fifo = isFifoQueue(queueUrl);
  return {
    add(failure) {
      return new Promise<boolean>((resolve) => pending.push({ failure, resolve }));
    },
    async flush() {
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      let failed = new Map<string, string>();
      try {
        const result = await sendMessages(
          queueUrl,
          batch.map(({ failure }, i) => ({
            id: String(i),
            body: JSON.stringify(failedPatchMessage(failure, requestId)),
            ...(fifo
              ? {
                  groupId: fifoGroupId(failure.groupId ?? (failure.namespace ? `${failure.namespace}/${failure.name}` : 'unparsed')),
                  // Kafka-style ids (r0m1) repeat across batches: the body makes them unique.
                  deduplicationId: createHash('sha256').update(`${failure.messageId}\n${failure.originalBody}`).digest('hex'),
                }
              : {}),
          })),
          deadline,
        );
        failed = new Map(result.failed.map((f) => [f.id, f.reason]));
      } catch (err) {
        const reason = err instanceof Error ? `${err.name}: ${err.message}` : 'send failed';
        failed = new Map(batch.map((_, i) => [String(i), reason]));
      }
      batch.forEach(({ failure, resolve }, i) => {
        const reason = failed.get(String(i));
        if (reason !== undefined) log.error('failure queue send failed', { messageId: failure.messageId, sendError: reason });
        resolve(reason === undefined);
      });
    },
  };
}
