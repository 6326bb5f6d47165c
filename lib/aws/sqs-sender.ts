/**
 * Sends messages to an SQS queue with SendMessageBatch (10 per call), retrying the entries SQS
 * reports as failed. The SDK is imported on first use only: most invocations never send.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { sleep } from '../upstream/backoff';

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
  failed: Array<{ id: string; reason: string }>;
}

const BATCH = 10;
const ATTEMPTS = 3;

let clientPromise: Promise<{ client: SQSClient; SendMessageBatchCommand: typeof import('@aws-sdk/client-sqs').SendMessageBatchCommand }> | undefined;

function sqs() {
  clientPromise ??= import('@aws-sdk/client-sqs').then(({ SQSClient, SendMessageBatchCommand }) => ({
    client: new SQSClient({}),
    SendMessageBatchCommand,
  }));
  return clientPromise;
}

function entryId(i: number): string {
  return `m${i}`;
}

export async function sendMessages(queueUrl: string, messages: readonly OutgoingMessage[]): Promise<SendResult> {
  if (messages.length === 0) return { sent: 0, failed: [] };
  const { client, SendMessageBatchCommand } = await sqs();
  const failed: SendResult['failed'] = [];
  let sent = 0;
  for (let start = 0; start < messages.length; start += BATCH) {
    let pending = messages.slice(start, start + BATCH).map((m, i) => ({ m, entry: entryId(i) }));
    let lastReason = new Map<string, string>();
    for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(100 * 2 ** attempt);
      try {
        const out = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: pending.map(({ m, entry }) => ({
              Id: entry,
              MessageBody: m.body,
              ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
              ...(m.deduplicationId ? { MessageDeduplicationId: m.deduplicationId } : {}),
            })),
          }),
        );
        sent += out.Successful?.length ?? 0;
        const failedIds = new Map((out.Failed ?? []).map((f) => [f.Id ?? '', `${f.Code ?? 'error'}: ${f.Message ?? ''}`]));
        // Sender faults (bad message) are not retried: the same entry would fail again.
        const senderFault = new Set((out.Failed ?? []).filter((f) => f.SenderFault).map((f) => f.Id));
        for (const p of pending) {
          if (senderFault.has(p.entry)) failed.push({ id: p.m.id, reason: failedIds.get(p.entry) ?? 'sender fault' });
        }
        lastReason = failedIds;
        pending = pending.filter((p) => failedIds.has(p.entry) && !senderFault.has(p.entry));
      } catch (err) {
        const reason = err instanceof Error ? `${err.name}: ${err.message}` : 'send failed';
        lastReason = new Map(pending.map((p) => [p.entry, reason]));
      }
    }
    for (const p of pending) failed.push({ id: p.m.id, reason: lastReason.get(p.entry) ?? 'not sent' });
  }
  return { sent, failed };
}
