/**
 * Sweep events as notifications for people (lib/notify channels): a subject a person reads in an
 * inbox or a chat (`Job ns/name: Running → Failed`, `Job ns/name stuck in Inqueue for 2h: 3/3 tasks
 * in gang unschedulable: …`), the same JSON body as the SQS message for machines, and the attributes
 * subscriptions filter on (`type`, `namespace`, `phase` = the phase the job is in now). Also how the
 * sweep sends one batch of events to several destinations (queue, SNS, SMN) at once.
 */
import type { Deadline } from '../core/deadline';
import { safeSubject, type Notification, type Notifier } from '../notify/port';
import { eventBody, fifoIds } from './events';
import type { Emit, EmitResult, SweepEvent } from './run';

/** `45m`, `2h`, `2h15m`, `3d`, `3d4h`: the two largest units, as an operator says it. */
export function humanDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return `${days}d${hours ? `${hours}h` : ''}`;
  if (hours > 0) return `${hours}h${mins ? `${mins}m` : ''}`;
  return `${mins}m`;
}

export function subjectOf(e: SweepEvent): string {
  const job = `Job ${e.namespace}/${e.name}`;
  if (e.type === 'transition') return safeSubject(`${job}: ${e.from} → ${e.to}`);
  const waited = e.since !== undefined ? Date.parse(e.at) - Date.parse(e.since) : NaN;
  const why = e.podGroup?.message ?? e.message ?? e.podGroup?.reason ?? e.reason;
  return safeSubject(`${job} stuck in ${e.to}${Number.isFinite(waited) ? ` for ${humanDuration(waited)}` : ''}${why ? `: ${why}` : ''}`);
}

export function notificationOf(e: SweepEvent, fifo = false): Notification {
  const n: Notification = { subject: subjectOf(e), message: eventBody(e), attributes: { type: e.type, namespace: e.namespace, phase: e.to } };
  return fifo ? { ...n, ...fifoIds(e) } : n;
}

/** An `Emit` that publishes each event as one notification on `notifier`. */
export function notifyEmitter(notifier: Notifier, deadline: Deadline, fifo = false): Emit {
  return async (events) => {
    const result = await notifier.publish(events.map((e) => notificationOf(e, fifo)), deadline);
    return { sent: result.sent, failed: result.failed.map((f) => ({ event: events[f.index]!, reason: `${notifier.channel}: ${f.reason}` })) };
  };
}

/**
 * Every destination receives every event, all at once; `sent` counts deliveries over all of them,
 * and a destination that throws costs only its own deliveries.
 */
export function allEmitters(emits: readonly Emit[], names: readonly string[]): Emit {
  if (emits.length === 1) return emits[0]!;
  return async (events) => {
    const results = await Promise.all(
      emits.map((emit, i) =>
        emit(events).catch((err: unknown): EmitResult => {
          const reason = `${names[i]}: ${err instanceof Error ? `${err.name}: ${err.message}` : 'emit failed'}`;
          return { sent: 0, failed: events.map((event) => ({ event, reason })) };
        }),
      ),
    );
    return { sent: results.reduce((n, r) => n + r.sent, 0), failed: results.flatMap((r) => r.failed) };
  };
}
