/** The time an invocation has left, minus the reserve for the answer. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortAfter, Deadline } from '../../../lib/core/deadline';

afterEach(() => vi.useRealTimers());

describe('Deadline', () => {
  it('reserves 10% of the time left, between 100 ms and 1 s', () => {
    expect(Deadline.reserveFor(500)).toBe(100);
    expect(Deadline.reserveFor(3_000)).toBe(300);
    expect(Deadline.reserveFor(10_000)).toBe(1_000);
    expect(Deadline.reserveFor(900_000)).toBe(1_000);
  });
  it('counts down with the clock and never goes below zero', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const d = Deadline.fromRemaining(10_000);
    expect(d.remaining()).toBe(9_000);
    vi.advanceTimersByTime(4_000);
    expect(d.remaining()).toBe(5_000);
    vi.advanceTimersByTime(60_000);
    expect(d.remaining()).toBe(0);
    expect(Deadline.after(250).remaining()).toBe(250);
  });
  it('takes an explicit reserve, and a reserve above the time left is an expired deadline', () => {
    vi.useFakeTimers({ now: 0 });
    expect(Deadline.fromRemaining(1_000, 0).remaining()).toBe(1_000);
    expect(Deadline.fromRemaining(50).remaining()).toBe(0);
    expect(Deadline.fromRemaining(-5).remaining()).toBe(0);
  });
});

describe('abortAfter', () => {
  it('takes a fractional share of a deadline (AbortSignal.timeout alone throws a RangeError) and aborts after it', async () => {
    expect(() => AbortSignal.timeout(2.5)).toThrow(RangeError);
    const signal = abortAfter(2.5);
    expect(signal.aborted).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
    expect(signal.aborted).toBe(true);
    expect(abortAfter(0.2).aborted).toBe(false);
  });
});
