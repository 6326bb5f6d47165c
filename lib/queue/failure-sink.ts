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
  /** Set when the original body was cut so that the report fits the queue's message size. */
  originalBodyTruncated?: boolean;
  /** Set when the `errors` list was cut: how many there were. */
  errorsTruncated?: number;
  failedAt: string;
  requestId: string;
}

/** What SQS takes in one message body: 256 KiB, counted in UTF-8 bytes of the JSON as sent. */
export const MAX_REPORT_BYTES = 256 * 1024;
/** Kept of a long `errors` list or of the long texts when a report must shrink. */
const KEPT_ERRORS = 20;
const KEPT_TEXT = 2_000;

const bytesOf = (m: FailedPatchMessage) => Buffer.byteLength(JSON.stringify(m));

/**
 * The failure queue's message for a failure, cut to fit `maxBytes` (bytes, JSON escaping
 * included): first the `errors` list (`errorsTruncated` says how many there were) and the long
 * texts, then the original body, cut (`originalBodyTruncated`) as little as fits. Never dropped.
 */
export function failedPatchMessage(f: PermanentFailure, requestId: string, now = new Date(), maxBytes = MAX_REPORT_BYTES): FailedPatchMessage {
  const full: FailedPatchMessage = {
    reason: f.reason,
    status: f.error.status,
    code: f.error.code,
    detail: f.error.message,
    ...(f.error.errors ? { errors: f.error.errors } : {}),
    messageId: f.messageId,
    ...(f.namespace !== undefined ? { namespace: f.namespace } : {}),
    ...(f.name !== undefined ? { name: f.name } : {}),
    originalBody: f.originalBody,
    failedAt: now.toISOString(),
    requestId,
  };
  if (bytesOf(full) <= maxBytes) return full;
  const cut = (t: string) => (t.length > KEPT_TEXT ? `${t.slice(0, KEPT_TEXT)}…` : t);
  const short: FailedPatchMessage = {
    ...full,
    reason: cut(full.reason),
    detail: cut(full.detail),
    ...(full.errors
      ? { errors: full.errors.slice(0, KEPT_ERRORS).map((e) => ({ path: cut(e.path), message: cut(e.message) })), errorsTruncated: full.errors.length }
      : {}),
    originalBody: '',
    originalBodyTruncated: true,
  };
  // The longest prefix of the body that fits (binary search over its length; never half a surrogate pair).
  let lo = 0;
  let hi = f.originalBody.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (bytesOf({ ...short, originalBody: f.originalBody.slice(0, mid) }) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  if (/[\ud800-\udbff]/.test(f.originalBody[lo - 1] ?? '')) lo--;
  return { ...short, originalBody: f.originalBody.slice(0, lo) };
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
      let failed = new Map<string, { reason: string; senderFault?: boolean }>();
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
        failed = new Map(result.failed.map((f) => [f.id, f]));
      } catch (err) {
        const reason = err instanceof Error ? `${err.name}: ${err.message}` : 'send failed';
        failed = new Map(batch.map((_, i) => [String(i), { reason }]));
      }
      batch.forEach(({ failure, resolve }, i) => {
        const f = failed.get(String(i));
        if (f?.senderFault) {
          // SQS will never take this report: the log line keeps it, and the message is consumed
          // (retrying could not deliver it either). Transient refusals stay retryable below.
          log.error('failure report refused by the failure queue; kept in this log line instead', {
            ...failedPatchMessage(failure, requestId, new Date(), 16 * 1024),
            sendError: f.reason,
          });
        } else if (f) log.error('failure queue send failed', { messageId: failure.messageId, sendError: f.reason });
        resolve(!f || f.senderFault === true);
      });
    },
  };
}
