/**
 * The sweep's configuration: SWEEP_* variables, with a per-run override (FunctionGraph TIMER
 * `user_event`, or the input of an EventBridge rule) for the namespaces and the label selector.
 * A bad value fails the invocation with a clear message instead of sweeping something else.
 */
import { AppError, type FieldIssue } from '../core/errors';
import { splitList, type EnvLookup } from '../core/config';
import { parseDuration } from '../core/duration';
import { dns1123LabelErrors } from '../job/names';
import { DEFAULT_WRITES_IN_FLIGHT } from './run';

export interface SweepOverride {
  namespaces?: string[];
  labelSelector?: string;
}

export interface SweepConfig {
  namespaces: string[];
  labelSelector: string | undefined;
  stuckAfterMs: number;
  pageSize: number;
  concurrency: number;
  /** SWEEP_WRITES_IN_FLIGHT: annotation writes in flight over all namespaces. */
  writesInFlight: number;
  eventsQueueUrl: string | undefined;
  /** SWEEP_EVENTS_TOPIC_ARN: SNS topic for the same events. */
  eventsTopicArn: string | undefined;
  /** SWEEP_EVENTS_SMN_TOPIC_URN and SMN_ENDPOINT: Huawei SMN topic for the same events. */
  eventsSmnTopicUrn: string | undefined;
  smnEndpoint: string | undefined;
}

/** A job waiting this long is stuck unless SWEEP_STUCK_AFTER says otherwise. */
export const DEFAULT_STUCK_AFTER_MS = 3_600_000;
/** Big enough to keep list calls few, small enough that one page parses quickly. */
// 250 keeps a 10,000-job sweep near 114 MiB peak RSS (500: ~121 MiB), for a few more list calls.
export const DEFAULT_PAGE_SIZE = 250;
export const DEFAULT_CONCURRENCY = 4;

const configError = (detail: string, errors?: FieldIssue[]) => new AppError(500, 'config', detail, errors ? { errors, retryable: false } : { retryable: false });

function integerVar(env: EnvLookup, key: string, fallback: number, min: number, max: number): number {
  const raw = env(key);
  if (raw === undefined) return fallback;
  const n = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) throw configError(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
  return n;
}

export function namespaceIssues(namespaces: readonly string[], path: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  namespaces.forEach((ns, i) => {
    for (const message of dns1123LabelErrors(ns)) issues.push({ path: `${path}/${i}`, message: `"${ns}": ${message}` });
  });
  return issues;
}

export function sweepConfigFrom(env: EnvLookup, override: SweepOverride = {}): SweepConfig {
  const namespaces = [...new Set(override.namespaces ?? splitList(env('SWEEP_NAMESPACES')))];
  if (namespaces.length === 0) {
    throw configError('SWEEP_NAMESPACES is not set: name the namespaces to sweep (comma-separated), or pass "namespaces" in the trigger');
  }
  if (override.namespaces === undefined) {
    const issues = namespaceIssues(namespaces, 'SWEEP_NAMESPACES');
    if (issues.length > 0) throw configError('SWEEP_NAMESPACES holds names that are not namespaces', issues);
  }

  let stuckAfterMs = DEFAULT_STUCK_AFTER_MS;
  const stuckRaw = env('SWEEP_STUCK_AFTER');
  if (stuckRaw !== undefined) {
    const ms = parseDuration(stuckRaw);
    if (ms === undefined) throw configError(`SWEEP_STUCK_AFTER must be seconds or a duration such as 30m, 2h, 1d; got "${stuckRaw}"`);
    stuckAfterMs = ms;
  }

  const labelSelector = override.labelSelector !== undefined ? override.labelSelector.trim() || undefined : env('SWEEP_LABEL_SELECTOR')?.trim() || undefined;

  return {
    namespaces,
    labelSelector,
    stuckAfterMs,
    pageSize: integerVar(env, 'SWEEP_PAGE_SIZE', DEFAULT_PAGE_SIZE, 1, 10_000),
    concurrency: integerVar(env, 'SWEEP_CONCURRENCY', DEFAULT_CONCURRENCY, 1, 32),
    writesInFlight: integerVar(env, 'SWEEP_WRITES_IN_FLIGHT', DEFAULT_WRITES_IN_FLIGHT, 1, 64),
    eventsQueueUrl: env('SWEEP_EVENTS_QUEUE_URL'),
    eventsTopicArn: topicArn(env('SWEEP_EVENTS_TOPIC_ARN')),
    eventsSmnTopicUrn: env('SWEEP_EVENTS_SMN_TOPIC_URN')?.trim() || undefined,
    smnEndpoint: env('SMN_ENDPOINT')?.trim() || undefined,
  };
}

/** An SNS topic ARN (`arn:<partition>:sns:<region>:<account>:<name>`), or a config error naming the variable. */
function topicArn(raw: string | undefined): string | undefined {
  const arn = raw?.trim();
  if (!arn) return undefined;
  if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(arn)) {
    throw configError(`SWEEP_EVENTS_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>), got "${arn}"`);
  }
  return arn;
}

/** Bounds of the per-run override: a namespace list of 1 to 1,000 names, a selector of at most 4,096 characters. */
const MAX_NAMESPACES = 1000;
const MAX_SELECTOR = 4096;

/** Unicode code points of `s` (a surrogate pair counts once, a lone surrogate as one): the unit of the selector's bound. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n--;
      i++;
    }
  }
  return n;
}

function invalid(errors: FieldIssue[]): AppError {
  return new AppError(400, 'invalid-sweep-override', 'The trigger\'s sweep override ("namespaces", "labelSelector") is invalid', {
    errors,
    retryable: false,
  });
}

/**
 * The per-run override (TIMER `user_event`, a rule's constant input): checked, or a 400 naming the
 * problem. Other keys are ignored. A hand-written guard rather than a schema library, since it is
 * two fields and the library was the largest part of the sweep's bundle; its issues keep the
 * wording the project's schemas use ("must be a string", "must be <= 1000", ...). A list longer
 * than the bound is one issue, not one per element; the names are checked as namespaces only once
 * both fields have the right shape.
 */
export function parseOverride(value: Record<string, unknown>, path: string): SweepOverride {
  const { namespaces, labelSelector } = value;
  const issues: FieldIssue[] = [];
  if (namespaces !== undefined) {
    const at = `${path}/namespaces`;
    if (!Array.isArray(namespaces)) issues.push({ path: at, message: 'must be a array' });
    else if (namespaces.length > MAX_NAMESPACES) issues.push({ path: at, message: `must be <= ${MAX_NAMESPACES}` });
    else if (namespaces.length === 0) issues.push({ path: at, message: 'must be >= 1' });
    else for (let i = 0; i < namespaces.length; i++) if (typeof namespaces[i] !== 'string') issues.push({ path: `${at}/${i}`, message: 'must be a string' });
  }
  if (labelSelector !== undefined) {
    const at = `${path}/labelSelector`;
    if (typeof labelSelector !== 'string') issues.push({ path: at, message: 'must be a string' });
    else if (labelSelector.length > MAX_SELECTOR && codePoints(labelSelector) > MAX_SELECTOR) {
      issues.push({ path: at, message: `must be at most ${MAX_SELECTOR} characters` });
    }
  }
  if (issues.length > 0) throw invalid(issues);
  const out: SweepOverride = {};
  if (namespaces !== undefined) {
    const names = namespaces as string[];
    const nameIssues = namespaceIssues(names, `${path}/namespaces`);
    if (nameIssues.length > 0) throw invalid(nameIssues);
    out.namespaces = [...names];
  }
  if (labelSelector !== undefined) out.labelSelector = labelSelector as string;
  return out;
}
