/**
 * Notifications to people: one message per sweep event, with a human subject, for a channel that
 * fans it out (SNS: email, SMS, HTTPS, chat through AWS Chatbot; SMN: email, SMS, HTTP, DingTalk,
 * WeLink, Lark). The sweep builds the notifications; a channel only delivers them. Every channel
 * bounds each call by the deadline and reports what it could not deliver instead of throwing.
 */
import type { Deadline } from '../core/deadline';

export interface Notification {
  /** One line, no control characters, at most MAX_SUBJECT characters (SNS: "less than 100 characters"). */
  subject: string;
  /** The body: the same JSON as the event's SQS message. */
  message: string;
  /** For subscription filter policies: `type`, `namespace`, `phase`. */
  attributes: Record<string, string>;
  /** FIFO topics only: message group (the job) and deduplication id (the event). */
  groupId?: string;
  deduplicationId?: string;
}

export interface NotifyResult {
  sent: number;
  /** Indexes into the notifications given. */
  failed: Array<{ index: number; reason: string }>;
}

export interface Notifier {
  /** `sns` or `smn`, for logs and failure reasons. */
  readonly channel: string;
  publish(notifications: readonly Notification[], deadline: Deadline): Promise<NotifyResult>;
}

/** SNS takes subjects of fewer than 100 characters (SMN up to 512 bytes): the stricter one for both. */
export const MAX_SUBJECT = 99;

/** Publishes in flight per channel: the sweep's events come in bursts, the topics throttle. */
export const NOTIFY_CONCURRENCY = 4;

/** A subject every channel accepts: control characters (line breaks included) as spaces, cut to MAX_SUBJECT. */
export function safeSubject(text: string): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  if (line.length <= MAX_SUBJECT) return line;
  let cut = line.slice(0, MAX_SUBJECT - 1);
  // Never split a surrogate pair.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
