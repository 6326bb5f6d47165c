/**
 * Scheduled status sweep (EventBridge schedule on AWS, TIMER on FunctionGraph, or
 * `serverless invoke local`): counts jobs by phase, lists stuck jobs (with why they wait) and phase
 * transitions, sends each event to SWEEP_EVENTS_QUEUE_URL (SQS), SWEEP_EVENTS_TOPIC_ARN (SNS) and
 * SWEEP_EVENTS_SMN_TOPIC_URN (Huawei SMN), whichever are set, and returns and logs the report.
 * Configuration and trigger errors throw: a sweep that cannot run must fail visibly.
 */
import { cciClientFor } from '../lib/cci/setup';
import { toAppError } from '../lib/core/errors';
import { invocationFrom } from '../lib/platform/invocation';
import { createLogger } from '../lib/core/log';
import { heapGuard } from '../lib/sweep/heap';
import { runSweep, type SweepReport } from '../lib/sweep/run';
import { sweepConfigFrom } from '../lib/sweep/config';
import { resolveHuaweiAuth } from '../lib/credentials';
import { snsNotifier } from '../lib/notify/sns';
import { smnNotifier } from '../lib/notify/smn';
import { sqsEmitter } from '../lib/sweep/events';
import { allEmitters, notifyEmitter } from '../lib/sweep/notifications';
import type { Emit } from '../lib/sweep/run';
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
      events: { sqs: config.eventsQueueUrl !== undefined, sns: config.eventsTopicArn !== undefined, smn: config.eventsSmnTopicUrn !== undefined },
    });
    // Every configured destination receives every event: the queue for machines, the topics for people.
    const emits: Emit[] = [];
    const names: string[] = [];
    const add = (name: string, emit: Emit) => void (emits.push(emit), names.push(name));
    if (config.eventsQueueUrl) add('sqs', sqsEmitter(config.eventsQueueUrl, inv.deadline));
    if (config.eventsTopicArn) add('sns', notifyEmitter(snsNotifier(config.eventsTopicArn), inv.deadline, config.eventsTopicArn.endsWith('.fifo')));
    if (config.eventsSmnTopicUrn) {
      const smn = smnNotifier({ topicUrn: config.eventsSmnTopicUrn, auth: resolveHuaweiAuth(inv), ...(config.smnEndpoint ? { endpoint: config.smnEndpoint } : {}) });
      add('smn', notifyEmitter(smn, inv.deadline));
    }
    const heap = heapGuard();
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
      writesInFlight: config.writesInFlight,
      heap,
      ...(emits.length > 0 ? { emit: allEmitters(emits, names) } : {}),
    });
    const level = report.complete && !report.failures && !report.events?.failed.length ? 'info' : 'warn';
    log[level]('sweep done', { report: forLog(report), heapCollections: heap.collections });
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
