/**
 * The retry loop shared by every upstream call (CCI, IAM): each attempt's timeout is bounded by
 * the deadline, transient failures (429, 5xx, time-outs, network errors) are retried with
 * exponential backoff and jitter (the server's Retry-After wins when longer), and when retries run
 * out the caller learns whether time ran out (504) or the upstream kept failing (503).
 */
import { backoffDelay, sleep, type BackoffPolicy } from './backoff';
import type { Deadline } from '../core/deadline';
import { describeFailure, type UpstreamFailure } from './failure';
import type { UpstreamResult } from './exchange';

export interface RetryPolicy {
  maxAttempts: number;
  /** Upper bound of one attempt; the deadline may cut it shorter. */
  requestTimeoutMs: number;
  backoff: BackoffPolicy;
}

/** Why the last attempt did not succeed. */
export interface Transient {
  problem: string;
  timedOut: boolean;
  failure?: UpstreamFailure;
}

/** One attempt's verdict: done, worth another attempt, or a free repeat (fresh credentials). */
export type Attempt<T> = { value: T } | { transient: Transient } | { repeat: true };

/** Below this, an attempt cannot meaningfully complete. */
const MIN_ATTEMPT_MS = 20;

export const isTransientStatus = (status: number) => status === 429 || status >= 500;

/** A time-out or network error as a transient failure. */
export function transientOf(result: Exclude<UpstreamResult, { kind: 'response' }>, timeoutMs: number): Transient {
  return result.kind === 'timeout'
    ? { problem: `no answer within ${timeoutMs} ms`, timedOut: true }
    : { problem: `network error: ${result.message}`, timedOut: false };
}

export const transientFailure = (failure: UpstreamFailure): Transient => ({ problem: describeFailure(failure), timedOut: false, failure });

export async function withRetries<T>(
  policy: RetryPolicy,
  deadline: Deadline,
  attempt: (timeoutMs: number) => Promise<Attempt<T>>,
  exhausted: (last: Transient) => Error,
): Promise<T> {
  let last: Transient = { problem: 'no attempt made', timedOut: false };
  for (let n = 0; n < policy.maxAttempts; ) {
    const timeoutMs = Math.min(policy.requestTimeoutMs, deadline.remaining());
    if (timeoutMs < MIN_ATTEMPT_MS) {
      last = { ...last, timedOut: true };
      break;
    }
    const outcome = await attempt(timeoutMs);
    if ('value' in outcome) return outcome.value;
    if ('repeat' in outcome) continue;
    last = outcome.transient;
    n++;
    if (n >= policy.maxAttempts) break;
    const wait = backoffDelay(n - 1, policy.backoff, last.failure?.retryAfterSeconds);
    if (wait >= deadline.remaining()) {
      if (deadline.remaining() < MIN_ATTEMPT_MS) last = { ...last, timedOut: true };
      break;
    }
    await sleep(wait);
  }
  throw exhausted(last);
}
