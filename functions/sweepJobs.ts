/**
 * Scheduled status sweep (EventBridge schedule on AWS, TIMER on FunctionGraph, or
 * `serverless invoke local`): counts jobs by phase, lists stuck jobs and phase transitions, sends
 * events when SWEEP_EVENTS_QUEUE_URL is set, and returns and logs the report.
 * Configuration and trigger errors throw: a sweep that cannot run must fail visibly.
 */
import { cciClientFor } from '../lib/cci/setup';
import { toAppError } from '../lib/core/errors';
import { invocationFrom } from '../lib/platform/invocation';
import { createLogger } from '../lib/core/log';
import { runSweep, type SweepReport } from '../lib/sweep/run';
import { sweepConfigFrom } from '../lib/sweep/config';
import { sqsEmitter } from '../lib/sweep/events';
import { parseSweepTrigger } from '../lib/platform/timer-event';

/** Lists longer than this are cut in the log line (the returned report keeps them whole). */
const LOGGED_ITEMS = 100;

export async function handler(event: unknown, context: unknown): Promise<SweepReport> {
  const inv = invocationFrom(context);
  const log = createLogger({ fn: 'sweepJobs', requestId: inv.requestId });
  try {
    const trigger = parseSweepTrigger(event);
    if (trigger.ignoredUserEvent !== undefined) log.info('TIMER user_event is not a JSON object: ignored', { userEvent: trigger.ignoredUserEvent });
    const config = sweepConfigFrom(inv.env, trigger.override);
    log.info('sweep started', {
      trigger: trigger.kind,
      namespaces: config.namespaces,
      labelSelector: config.labelSelector,
      stuckAfterMs: config.stuckAfterMs,
      pageSize: config.pageSize,
      events: config.eventsQueueUrl !== undefined,
    });
    const report = await runSweep({
      client: cciClientFor(inv),
      namespaces: config.namespaces,
      labelSelector: config.labelSelector,
      stuckAfterMs: config.stuckAfterMs,
      now: new Date(),
      deadline: inv.deadline,
      log,
      pageSize: config.pageSize,
      concurrency: config.concurrency,
      ...(config.eventsQueueUrl ? { emit: sqsEmitter(config.eventsQueueUrl, inv.deadline) } : {}),
    });
    const level = report.complete && !report.failures && !report.events?.failed.length ? 'info' : 'warn';
    log[level]('sweep done', { report: forLog(report) });
    return report;
  } catch (err) {
    const e = toAppError(err);
    log.error('sweep failed', { status: e.status, code: e.code, detail: e.message, errors: e.errors, error: e.status >= 500 && e.code !== 'config' ? err : undefined });
    throw e;
  }
}

function forLog(report: SweepReport): Record<string, unknown> {
  const cut = <T>(items: T[]) => (items.length > LOGGED_ITEMS ? items.slice(0, LOGGED_ITEMS) : items);
  return {
    ...report,
    stuck: cut(report.stuck),
    transitions: cut(report.transitions),
    ...(report.stuck.length > LOGGED_ITEMS || report.transitions.length > LOGGED_ITEMS
      ? { cut: { stuck: report.stuck.length, transitions: report.transitions.length } }
      : {}),
  };
}
