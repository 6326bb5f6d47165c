/**
 * Sends messages to an SQS queue with SendMessageBatch (10 and at most 256 KiB per call), retrying the entries SQS
 * reports as failed (`BACKOFF.sqs`). Every call is bounded by the invocation's deadline (an abort
 * signal per attempt), so a queue endpoint that never answers cannot hold the function past it.
 * The SDK is imported on first use only: most invocations never send. Also the FIFO rules shared
 * by the failure queue and the sweep's events queue.
 */
import { createHash } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { abortAfter, type Deadline } from '../core/deadline';
import { BACKOFF, onError } from '../upstream/retry';

export interface OutgoingMessage {
  /** Unique within one call; reported back for failures. */
  id: string;
  body: string;
  /** FIFO queues only. */
  groupId?: string;
  deduplicationId?: string;
}

export interface SendResult {
  sent: number;
  /** `senderFault`: SQS refused the entry itself (too large, invalid): sending it again cannot succeed. */
  failed: Array<{ id: string; reason: string; senderFault?: boolean }>;
}

/** SendMessageBatch takes at most 10 entries and 256 KiB of bodies in all. */
const BATCH = 10;
const MAX_BATCH_BYTES = 256 * 1024;

function batches(messages: readonly OutgoingMessage[]): OutgoingMessage[][] {
  const out: OutgoingMessage[][] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = Buffer.byteLength(m.body);
    const last = out[out.length - 1];
    if (last && last.length < BATCH && bytes + size <= MAX_BATCH_BYTES) {
      last.push(m);
      bytes += size;
    } else {
      out.push([m]);
      bytes = size;
    }
  }
  return out;
}
/** SQS's limit for a FIFO message group id. */
export const MAX_GROUP_ID = 128;

export function isFifoQueue(queueUrl: string): boolean {
  return queueUrl.endsWith('.fifo');
}

/** A group id SQS accepts: the value itself, or (when longer than 128) a prefix plus a stable hash. */
export function fifoGroupId(value: string): string {
  if (value.length <= MAX_GROUP_ID) return value;
  const hash = createHash('sha256').update(value).digest('hex').slice(0, 16);
  return `${value.slice(0, MAX_GROUP_ID - hash.length - 1)}~${hash}`;
}

let clientPromise: Promise<{ client: SQSClient; SendMessageBatchCommand: typeof import('@aws-sdk/client-sqs').SendMessageBatchCommand }> | undefined;

function sqs() {
  clientPromise ??= import('@aws-sdk/client-sqs').then(({ SQSClient, SendMessageBatchCommand }) => ({
    client: new SQSClient({}),
    SendMessageBatchCommand,
  }));
  return clientPromise;
}

/** Entries still to send after an attempt; thrown so that `onError` tries them again. */
class EntriesLeft extends Error {
  constructor(readonly reasons: Map<string, string>) {
    super('some entries were not sent');
  }
}

export async function sendMessages(queueUrl: string, messages: readonly OutgoingMessage[], deadline: Deadline): Promise<SendResult> {
  if (messages.length === 0) return { sent: 0, failed: [] };
  const { client, SendMessageBatchCommand } = await sqs();
  const failed: SendResult['failed'] = [];
  let sent = 0;
  for (const batch of batches(messages)) {
    let pending = batch.map((m, i) => ({ m, entry: `m${i}` }));
    let lastReason = new Map<string, string>();
    try {
      await onError(
        BACKOFF.sqs,
        deadline,
        () => true,
        async ({ timeoutMs }) => {
          let out;
          try {
            out = await client.send(
              new SendMessageBatchCommand({
                QueueUrl: queueUrl,
                Entries: pending.map(({ m, entry }) => ({
                  Id: entry,
                  MessageBody: m.body,
                  ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
                  ...(m.deduplicationId ? { MessageDeduplicationId: m.deduplicationId } : {}),
                })),
              }),
              { abortSignal: abortAfter(timeoutMs) },
            );
          } catch (err) {
            const reason = err instanceof Error ? `${err.name}: ${err.message}` : 'send failed';
            lastReason = new Map(pending.map((p) => [p.entry, reason]));
            throw new EntriesLeft(lastReason);
          }
          sent += out.Successful?.length ?? 0;
          const failedIds = new Map((out.Failed ?? []).map((f) => [f.Id ?? '', `${f.Code ?? 'error'}: ${f.Message ?? ''}`]));
          // Sender faults (bad message) are not retried: the same entry would fail again.
          const senderFault = new Set((out.Failed ?? []).filter((f) => f.SenderFault).map((f) => f.Id));
          for (const p of pending) {
            if (senderFault.has(p.entry)) failed.push({ id: p.m.id, reason: failedIds.get(p.entry) ?? 'sender fault', senderFault: true });
          }
          lastReason = failedIds;
          pending = pending.filter((p) => failedIds.has(p.entry) && !senderFault.has(p.entry));
          if (pending.length > 0) throw new EntriesLeft(lastReason);
        },
      );
    } catch {
      // Out of attempts or out of time: what is still pending is reported below.
    }
    for (const p of pending) failed.push({ id: p.m.id, reason: lastReason.get(p.entry) ?? 'not sent: no time left before the deadline' });
  }
  return { sent, failed };
}
