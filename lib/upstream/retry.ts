/**
 * The one retry primitive of the project, in the style of client-go's `util/retry`:
 * `onError(backoff, deadline, retriable, fn)` runs `fn` until it succeeds, fails with an error
 * `retriable` refuses, runs out of attempts, or the deadline leaves no room for another attempt;
 * `retryOnConflict` is one line on top. Every retry (CCI, IAM, conflict re-reads, SQS sends) names
 * one of the presets below, so attempt counts and waits are written down once.
 *
 * Each attempt learns how long it may take (`timeoutMs`: the preset's per-attempt bound, cut by
 * the deadline); a wait that would outlast the deadline is not started.
 */
import { AppError } from '../core/errors';
import type { Deadline } from '../core/deadline';

export interface Backoff {
  /** Attempts in all, the first included (client-go's `Steps`). */
  steps: number;
  /** Wait before the second attempt; later waits grow by `factor`. */
  durationMs: number;
  factor: number;
  /** Each wait is lengthened by up to this fraction of itself, at random (client-go's `Jitter`). */
  jitter: number;
  /** Upper bound of a wait before jitter. */
  capMs?: number;
  /** Upper bound of one attempt; the deadline may cut it shorter. */
  attemptTimeoutMs?: number;
}

/** The named presets. */
export const BACKOFF = {
  /**
   * CCI calls: 4 attempts; waits 50–100, 100–200, 200–400 ms …, at most 2.5–5 s
   * (exponential with "equal" jitter); 10 s per attempt.
   */
  upstream: { steps: 4, durationMs: 50, factor: 2, jitter: 1, capMs: 2_500, attemptTimeoutMs: 10_000 },
  /** IAM token requests: as CCI, 3 attempts. */
  iam: { steps: 3, durationMs: 50, factor: 2, jitter: 1, capMs: 2_500, attemptTimeoutMs: 10_000 },
  /**
   * Re-read and re-apply after a 409: 5 attempts (client-go's `DefaultRetry` count) with the
   * growing waits of its `DefaultBackoff` curve (10, 50, 250, 1250 ms, +10% jitter), since a
   * conflicting writer on a batch job is usually a controller that needs a moment.
   */
  conflict: { steps: 5, durationMs: 10, factor: 5, jitter: 0.1 },
  /** SQS SendMessageBatch entries that failed: 3 attempts, waits 200 and 400 ms; 5 s per attempt. */
  sqs: { steps: 3, durationMs: 200, factor: 2, jitter: 0, attemptTimeoutMs: 5_000 },
  /** Notifications (SNS Publish, SMN publish): 3 attempts, waits 200–240 and 400–480 ms; 5 s per attempt. */
  notify: { steps: 3, durationMs: 200, factor: 2, jitter: 0.2, attemptTimeoutMs: 5_000 },
} as const satisfies Record<string, Backoff>;

/** `false`: give up now. Otherwise try again, waiting at least `retryAfterMs` if given. */
export type Verdict = false | true | { retryAfterMs?: number };

export interface Stop {
  /** The last attempt's error (undefined when no attempt could be made). */
  last: unknown;
  /** True when the deadline, not the attempt count, ended the retries. */
  outOfTime: boolean;
  attempts: number;
}

/** Below this, an attempt cannot meaningfully complete. */
export const MIN_ATTEMPT_MS = 20;

export function waitBefore(backoff: Backoff, retry: number): number {
  const base = Math.min(backoff.capMs ?? Number.POSITIVE_INFINITY, backoff.durationMs * backoff.factor ** retry);
  return base + Math.random() * backoff.jitter * base;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function defaultStop(stop: Stop): unknown {
  if (stop.last !== undefined) return stop.last;
  return new AppError(504, 'deadline', 'No time was left for the call within the invocation deadline');
}

export async function onError<T>(
  backoff: Backoff,
  deadline: Deadline,
  retriable: (err: unknown) => Verdict,
  fn: (attempt: { n: number; timeoutMs: number }) => Promise<T>,
  stopped: (stop: Stop) => unknown = defaultStop,
): Promise<T> {
  let last: unknown;
  for (let n = 0; ; ) {
    const timeoutMs = Math.min(backoff.attemptTimeoutMs ?? Number.POSITIVE_INFINITY, deadline.remaining());
    if (timeoutMs < MIN_ATTEMPT_MS) throw stopped({ last, outOfTime: true, attempts: n });
    try {
      return await fn({ n, timeoutMs });
    } catch (err) {
      const verdict = retriable(err);
      if (verdict === false) throw err;
      last = err;
      n++;
      if (n >= backoff.steps) throw stopped({ last, outOfTime: false, attempts: n });
      const floor = typeof verdict === 'object' ? (verdict.retryAfterMs ?? 0) : 0;
      const wait = Math.max(waitBefore(backoff, n - 1), floor);
      if (wait >= deadline.remaining()) throw stopped({ last, outOfTime: deadline.remaining() < MIN_ATTEMPT_MS, attempts: n });
      await sleep(wait);
    }
  }
}

const isConflict = (err: unknown): boolean => err instanceof AppError && err.status === 409 && err.code !== 'precondition-failed';

/** client-go's `RetryOnConflict`: re-runs `fn` (which re-reads what it writes) after a 409. */
export function retryOnConflict<T>(deadline: Deadline, what: string, fn: () => Promise<T>): Promise<T> {
  return onError(BACKOFF.conflict, deadline, isConflict, fn, ({ last, attempts }) =>
    last === undefined
      ? defaultStop({ last, outOfTime: true, attempts })
      : new AppError(409, 'conflict', `${what} kept changing under us through ${attempts} attempts; try again`, { retryable: true }),
  );
}
