/**
 * AWS SNS (`SWEEP_EVENTS_TOPIC_ARN`): one Publish per notification, a few in flight, each attempt
 * bounded by the deadline (an abort signal), failed ones retried with `BACKOFF.notify`. Message
 * attributes `type`, `namespace`, `phase` let subscriptions filter (an e-mail for failures only). On
 * a FIFO topic (`.fifo`) the job is the message group and the event the deduplication id. The SDK is
 * imported on first use only (external on Lambda, bundled into the FunctionGraph zip's node_modules).
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import { mapLimited } from '../core/concurrency';
import { abortAfter, type Deadline } from '../core/deadline';
import { BACKOFF, onError } from '../upstream/retry';
import { NOTIFY_CONCURRENCY, type Notification, type Notifier, type NotifyResult } from './port';

type Sdk = { client: SNSClient; PublishCommand: typeof import('@aws-sdk/client-sns').PublishCommand };
let sdk: Promise<Sdk> | undefined;

function sns(): Promise<Sdk> {
  sdk ??= import('@aws-sdk/client-sns').then(({ SNSClient, PublishCommand }) => ({ client: new SNSClient({}), PublishCommand }));
  return sdk;
}

/** Errors the same request would meet again: not retried. */
const PERMANENT = new Set(['InvalidParameterException', 'InvalidParameterValueException', 'NotFoundException', 'AuthorizationErrorException', 'ValidationException']);

const reasonOf = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : 'publish failed');

export function snsNotifier(topicArn: string): Notifier {
  const fifo = topicArn.endsWith('.fifo');
  return {
    channel: 'sns',
    async publish(notifications: readonly Notification[], deadline: Deadline): Promise<NotifyResult> {
      const out: NotifyResult = { sent: 0, failed: [] };
      if (notifications.length === 0) return out;
      const { client, PublishCommand } = await sns();
      await mapLimited(notifications, NOTIFY_CONCURRENCY, async (n, index) => {
        try {
          await onError(
            BACKOFF.notify,
            deadline,
            (err) => !(err instanceof Error && PERMANENT.has(err.name)),
            ({ timeoutMs }) =>
              client.send(
                new PublishCommand({
                  TopicArn: topicArn,
                  Subject: n.subject,
                  Message: n.message,
                  MessageAttributes: Object.fromEntries(Object.entries(n.attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
                  ...(fifo && n.groupId ? { MessageGroupId: n.groupId } : {}),
                  ...(fifo && n.deduplicationId ? { MessageDeduplicationId: n.deduplicationId } : {}),
                }),
                { abortSignal: abortAfter(timeoutMs) },
              ),
            ({ last }) => last ?? new Error('not sent: no time left before the deadline'),
          );
          out.sent++;
        } catch (err) {
          out.failed.push({ index, reason: reasonOf(err) });
        }
      });
      return out;
    },
  };
}
