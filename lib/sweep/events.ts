/**
 * Sweep events to SQS: one message per transition and per newly stuck job, sent with
 * SendMessageBatch by sqs-sender (10 per call, failed entries retried there). On a FIFO queue
 * the job is the message group (its events stay in order) and the deduplication id is derived
 * from the event, so a sweep retried by the platform does not send the same event twice.
 */
import { createHash } from 'node:crypto';
import { fifoGroupId, isFifoQueue, sendMessages, type OutgoingMessage } from '../aws/sqs-sender';
import type { Deadline } from '../core/deadline';
import type { Emit, SweepEvent } from './run';

export function eventBody(e: SweepEvent): string {
  return JSON.stringify({
    type: e.type,
    namespace: e.namespace,
    name: e.name,
    uid: e.uid ?? null,
    from: e.from,
    to: e.to,
    at: e.at,
    ...(e.since !== undefined ? { since: e.since } : {}),
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
    ...(e.message !== undefined ? { message: e.message } : {}),
    ...(e.podGroup !== undefined ? { podGroup: e.podGroup } : {}),
  });
}

/** FIFO message group (the job: its events stay in order) and deduplication id (the event). */
export function fifoIds(e: SweepEvent): { groupId: string; deduplicationId: string } {
  // The sweep time and the explanations are left out of stuck events' identity: the episode (`since`) is what counts.
  const identity = e.type === 'stuck' ? `${e.type}|${e.namespace}|${e.name}|${e.uid}|${e.since}` : eventBody(e);
  return { groupId: fifoGroupId(`${e.namespace}/${e.name}`), deduplicationId: createHash('sha256').update(identity).digest('hex') };
}

export function eventMessages(queueUrl: string, events: readonly SweepEvent[]): OutgoingMessage[] {
  const fifo = isFifoQueue(queueUrl);
  return events.map((e, i) => ({ id: String(i), body: eventBody(e), ...(fifo ? fifoIds(e) : {}) }));
}

export function sqsEmitter(queueUrl: string, deadline: Deadline): Emit {
  return async (events) => {
    const result = await sendMessages(queueUrl, eventMessages(queueUrl, events), deadline);
    return {
      sent: result.sent,
      failed: result.failed.map((f) => ({ event: events[Number(f.id)]!, reason: f.reason })),
    };
  };
}
