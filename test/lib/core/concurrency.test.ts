/** The one worker pool: bounded, order-keeping. */
import { describe, expect, it } from 'vitest';
import { gate, mapLimited, type Gate } from '../../../lib/core/concurrency';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapLimited', () => {
  it('never runs more than `limit` at once, and keeps results in item order', async () => {
    let active = 0;
    let max = 0;
    const out = await mapLimited([30, 5, 20, 1, 10, 2, 8], 3, async (ms, i) => {
      active++;
      max = Math.max(max, active);
      await tick(ms);
      active--;
      return `${i}:${ms}`;
    });
    expect(max).toBe(3);
    expect(out).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10', '5:2', '6:8']);
  });
  it('handles no items, a limit above the count, and limits below 1 (one worker)', async () => {
    expect(await mapLimited([], 4, async () => 1)).toEqual([]);
    let active = 0;
    let max = 0;
    const work = async (x: number) => {
      active++;
      max = Math.max(max, active);
      await tick(1);
      active--;
      return x * 2;
    };
    expect(await mapLimited([1, 2], 10, work)).toEqual([2, 4]);
    max = 0;
    expect(await mapLimited([1, 2, 3], 0, work)).toEqual([2, 4, 6]);
    expect(max).toBe(1);
  });
  it('rejects with the first error', async () => {
    await expect(mapLimited([1, 2, 3], 2, async (x) => {
      if (x === 2) throw new Error('two');
      return x;
    })).rejects.toThrow('two');
  });
});

describe('gate', () => {
  /** Work passed through the gate as the sweep does it: enter, work, leave in a finally. */
  const through = async <R>(g: Gate, work: () => Promise<R>): Promise<R> => {
    const turn = g.enter();
    if (turn) await turn;
    try {
      return await work();
    } finally {
      g.leave();
    }
  };

  it('lets at most `limit` in at once, over any number of callers, in order', async () => {
    const g = gate(2);
    let active = 0;
    let max = 0;
    const started: number[] = [];
    const work = (i: number, ms: number) =>
      through(g, async () => {
        started.push(i);
        active++;
        max = Math.max(max, active);
        await tick(ms);
        active--;
        return i;
      });
    // Two pools sharing one gate, as the sweep's namespaces share their writes.
    const [a, b] = await Promise.all([mapLimited([0, 1, 2, 3], 4, (i) => work(i, 10)), mapLimited([4, 5, 6], 3, (i) => work(i, 5))]);
    expect(max).toBe(2);
    expect([...a, ...b]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(started).toHaveLength(7);
    expect(started.slice(0, 2)).toEqual([0, 1]);
  });

  it('makes no promise for a free slot, and hands a freed slot to the first waiter', async () => {
    const g = gate(1);
    expect(g.enter()).toBeUndefined();
    const order: string[] = [];
    const second = g.enter()!.then(() => order.push('second'));
    const third = g.enter()!.then(() => order.push('third'));
    expect(second).toBeInstanceOf(Promise);
    g.leave();
    await second;
    expect(order).toEqual(['second']);
    g.leave();
    await third;
    g.leave();
    // All left: the slot is free again.
    expect(g.enter()).toBeUndefined();
  });

  it('frees the slot when the work throws', async () => {
    const g = gate(1);
    await expect(through(g, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(through(g, async () => 'next')).resolves.toBe('next');
  });
});
