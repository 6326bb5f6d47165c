/**
 * The retry primitive: attempts, waits per preset (jitter bounds, cap), the Retry-After floor,
 * the deadline (no wait or attempt that cannot finish), the stop reasons, and retryOnConflict.
 * Fake timers: waits are measured on the fake clock, so the test is exact and fast.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadline } from '../../../lib/core/deadline';
import { AppError } from '../../../lib/core/errors';
import { BACKOFF, MIN_ATTEMPT_MS, onError, retryOnConflict, waitBefore, type Backoff, type Stop } from '../../../lib/upstream/retry';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Runs `p` to the end on the fake clock; resolves to its value or its error. */
async function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const out: { value?: T; error?: unknown } = {};
  const done = p.then((value) => void (out.value = value), (error) => void (out.error = error));
  await vi.runAllTimersAsync();
  await done;
  return out;
}

/** An fn that fails `failures` times (then returns 'ok'), recording when and how each attempt ran. */
function flaky(failures: number, error: () => unknown = () => new Error('transient')) {
  const attempts: Array<{ at: number; n: number; timeoutMs: number }> = [];
  const fn = async (a: { n: number; timeoutMs: number }) => {
    attempts.push({ at: Date.now(), ...a });
    if (attempts.length <= failures) throw error();
    return 'ok';
  };
  const waits = () => attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
  return { fn, attempts, waits };
}

const always = () => true as const;

describe('onError', () => {
  it('attempts = steps: the last error reaches `stopped` with the count, not out of time', async () => {
    const f = flaky(Infinity);
    const stops: Stop[] = [];
    const { error } = await settle(onError(BACKOFF.upstream, Deadline.after(60_000), always, f.fn, (s) => (stops.push(s), new Error('gave up'))));
    expect((error as Error).message).toBe('gave up');
    expect(f.attempts.map((a) => a.n)).toEqual([0, 1, 2, 3]);
    expect(stops).toEqual([{ last: expect.objectContaining({ message: 'transient' }), outOfTime: false, attempts: 4 }]);
  });

  it('without `stopped`, the last error itself is thrown', async () => {
    const f = flaky(Infinity, () => new AppError(503, 'down', 'still down'));
    const { error } = await settle(onError(BACKOFF.iam, Deadline.after(60_000), always, f.fn));
    expect(error).toMatchObject({ status: 503, code: 'down' });
    expect(f.attempts).toHaveLength(BACKOFF.iam.steps);
  });

  it('returns the first success, and an error the verdict refuses is thrown at once', async () => {
    const f = flaky(2);
    expect((await settle(onError(BACKOFF.upstream, Deadline.after(60_000), always, f.fn))).value).toBe('ok');
    expect(f.attempts).toHaveLength(3);

    const refused = flaky(Infinity, () => new AppError(404, 'nf', 'no'));
    const { error } = await settle(onError(BACKOFF.upstream, Deadline.after(60_000), () => false, refused.fn, () => new Error('not this')));
    expect(error).toMatchObject({ status: 404 });
    expect(refused.attempts).toHaveLength(1);
  });

  it.each([
    ['upstream', BACKOFF.upstream, [50, 100, 200]],
    ['iam', BACKOFF.iam, [50, 100]],
    ['conflict', BACKOFF.conflict, [10, 50, 250, 1250]],
    ['sqs', BACKOFF.sqs, [200, 400]],
  ] as const)('preset %s waits exactly the base curve at jitter 0, and at most base × (1 + jitter)', async (_name, backoff, base) => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const low = flaky(Infinity);
    await settle(onError(backoff, Deadline.after(600_000), always, low.fn));
    expect(low.waits()).toEqual(base);

    vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    const high = flaky(Infinity);
    await settle(onError(backoff, Deadline.after(600_000), always, high.fn));
    high.waits().forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(base[i]!);
      expect(w).toBeLessThanOrEqual(base[i]! * (1 + backoff.jitter));
    });
    if (backoff.jitter > 0) expect(high.waits().at(-1)).toBeGreaterThan(base.at(-1)!);
  });

  it('each attempt is bounded by the preset\'s attempt timeout, cut by the deadline', async () => {
    const f = flaky(Infinity);
    await settle(onError(BACKOFF.upstream, Deadline.after(60_000), always, f.fn));
    expect(f.attempts.every((a) => a.timeoutMs === 10_000)).toBe(true);
    const short = flaky(0);
    await settle(onError(BACKOFF.upstream, Deadline.after(3_000), always, short.fn));
    expect(short.attempts[0]!.timeoutMs).toBe(3_000);
    const conflict = flaky(0);
    await settle(onError(BACKOFF.conflict, Deadline.after(7_777), always, conflict.fn));
    expect(conflict.attempts[0]!.timeoutMs).toBe(7_777);
  });

  it('a Retry-After from the verdict is a floor under the wait (never shortens it)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const f = flaky(2);
    await settle(onError(BACKOFF.upstream, Deadline.after(60_000), () => ({ retryAfterMs: 1_000 }), f.fn));
    expect(f.waits()).toEqual([1_000, 1_000]);
    const g = flaky(3);
    await settle(onError(BACKOFF.upstream, Deadline.after(60_000), () => ({ retryAfterMs: 60 }), g.fn));
    expect(g.waits()).toEqual([60, 100, 200]);
    const h = flaky(1);
    await settle(onError(BACKOFF.upstream, Deadline.after(60_000), () => ({}), h.fn));
    expect(h.waits()).toEqual([50]);
  });

  it('a wait that would outlast the deadline is not started: stops at once, with time left (not out of time)', async () => {
    const f = flaky(Infinity);
    const stops: Stop[] = [];
    const started = Date.now();
    await settle(onError(BACKOFF.upstream, Deadline.after(500), () => ({ retryAfterMs: 2_000 }), f.fn, (s) => (stops.push(s), new Error('stop'))));
    expect(f.attempts).toHaveLength(1);
    expect(Date.now() - started).toBe(0);
    expect(stops[0]).toMatchObject({ outOfTime: false, attempts: 1 });
  });

  it('out of time: the deadline, not the count, ended the retries', async () => {
    // Each attempt takes almost all the time left; the next attempt has less than MIN_ATTEMPT_MS.
    const stops: Stop[] = [];
    const deadline = Deadline.after(400);
    let n = 0;
    const fn = async () => {
      n++;
      await new Promise((r) => setTimeout(r, deadline.remaining() - 5));
      throw new Error('slow');
    };
    await settle(onError({ steps: 10, durationMs: 1, factor: 1, jitter: 0 }, deadline, always, fn, (s) => (stops.push(s), new Error('stop'))));
    expect(n).toBe(1);
    expect(stops[0]).toMatchObject({ outOfTime: true, attempts: 1, last: expect.objectContaining({ message: 'slow' }) });
  });

  it('no attempt at all when the deadline has less than MIN_ATTEMPT_MS: a 504 by default', async () => {
    const f = flaky(0);
    const { error } = await settle(onError(BACKOFF.upstream, Deadline.after(MIN_ATTEMPT_MS - 1), always, f.fn));
    expect(f.attempts).toHaveLength(0);
    expect(error).toMatchObject({ status: 504, code: 'deadline' });
    const stops: Stop[] = [];
    await settle(onError(BACKOFF.upstream, Deadline.after(0), always, f.fn, (s) => (stops.push(s), new Error('x'))));
    expect(stops).toEqual([{ last: undefined, outOfTime: true, attempts: 0 }]);
  });

  it('sum of waits never reaches the deadline', async () => {
    const f = flaky(Infinity);
    const deadline = Deadline.after(1_000);
    const started = Date.now();
    await settle(onError({ steps: 100, durationMs: 100, factor: 1.5, jitter: 0.5 }, deadline, always, f.fn, () => new Error('x')));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(f.attempts.length).toBeGreaterThan(2);
  });
});

describe('waitBefore', () => {
  it('grows by factor, stops at the cap, adds at most jitter × base', () => {
    const b: Backoff = { steps: 20, durationMs: 50, factor: 2, jitter: 1, capMs: 2_500 };
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(Array.from({ length: 8 }, (_, i) => waitBefore(b, i))).toEqual([50, 100, 200, 400, 800, 1600, 2500, 2500]);
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(waitBefore(b, 0)).toBe(75);
    expect(waitBefore(b, 10)).toBe(3_750);
  });
  it('with real randomness, every wait stays within [base, base × (1 + jitter)]', () => {
    vi.restoreAllMocks();
    for (const backoff of Object.values(BACKOFF) as Backoff[]) {
      for (let retry = 0; retry < backoff.steps - 1; retry++) {
        const base = Math.min(backoff.capMs ?? Infinity, backoff.durationMs * backoff.factor ** retry);
        for (let k = 0; k < 200; k++) {
          const w = waitBefore(backoff, retry);
          expect(w).toBeGreaterThanOrEqual(base);
          expect(w).toBeLessThanOrEqual(base * (1 + backoff.jitter));
        }
      }
    }
  });
});

describe('retryOnConflict', () => {
  const conflict = () => new AppError(409, 'conflict', 'changed');

  it('re-runs after a 409 and returns the first success', async () => {
    const f = flaky(2, conflict);
    expect((await settle(retryOnConflict(Deadline.after(60_000), 'Job "ns/j"', f.fn as () => Promise<string>))).value).toBe('ok');
    expect(f.attempts).toHaveLength(3);
  });

  it('gives a retryable 409 naming the subject after 5 attempts', async () => {
    const f = flaky(Infinity, conflict);
    const { error } = await settle(retryOnConflict(Deadline.after(60_000), 'Job "ns/j"', f.fn as () => Promise<string>));
    expect(f.attempts).toHaveLength(5);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 409, code: 'conflict', retryable: true });
    expect((error as Error).message).toMatch(/Job "ns\/j" kept changing under us through 5 attempts/);
  });

  it('never retries a failed precondition, nor anything but a 409', async () => {
    for (const err of [new AppError(409, 'precondition-failed', 'caller version'), new AppError(503, 'down', 'x'), new Error('plain')]) {
      const f = flaky(Infinity, () => err);
      const { error } = await settle(retryOnConflict(Deadline.after(60_000), 'x', f.fn as () => Promise<string>));
      expect(error).toBe(err);
      expect(f.attempts).toHaveLength(1);
    }
  });

  it('with no time for an attempt: the deadline 504, not a conflict', async () => {
    const f = flaky(0);
    const { error } = await settle(retryOnConflict(Deadline.after(5), 'x', f.fn as () => Promise<string>));
    expect(f.attempts).toHaveLength(0);
    expect(error).toMatchObject({ status: 504, code: 'deadline' });
  });
});
