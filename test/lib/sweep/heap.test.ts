// The heap guard: collects at a page boundary (or every WRITES_PER_LOOK-th write) only once the heap grew its slack since the last
// collection (or since the process's first sweep began), counts what it did, and does nothing without a gc().
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEAP_SLACK_BYTES, heapGuard, WRITES_PER_LOOK } from '../../../lib/sweep/heap';

const MiB = 1024 * 1024;

/** A heap whose use each step sets, and whose collection leaves what `after` says; the collections record the use they found. */
function fakeHeap(start: number, after: (used: number) => number) {
  const heap = { used: start, collected: [] as number[] };
  const deps = { usedBytes: () => heap.used, collect: () => void (heap.collected.push(heap.used), (heap.used = after(heap.used))) };
  /** The heap now uses `bytes`, and the sweep ends a page. */
  const pageAt = (guard: { afterPage(): void }, bytes: number) => void ((heap.used = bytes), guard.afterPage());
  return { heap, deps, pageAt };
}

describe('heapGuard', () => {
  it('collects when the heap grew its slack since the sweep began, then measures from what the collection left', () => {
    const { heap, deps, pageAt } = fakeHeap(10 * MiB, (used) => used - 2 * MiB);
    const guard = heapGuard({ ...deps, slackBytes: 3 * MiB, baseline: {} });
    pageAt(guard, 13 * MiB - 1);
    expect(heap.collected).toEqual([]);
    pageAt(guard, 13 * MiB);
    expect(heap.collected).toEqual([13 * MiB]);
    // The base is now 11 MiB: 13 MiB is growth of 2, below the slack.
    pageAt(guard, 13 * MiB);
    expect(heap.collected).toHaveLength(1);
    pageAt(guard, 14 * MiB);
    expect(heap.collected).toEqual([13 * MiB, 14 * MiB]);
    expect(guard.collections).toBe(2);
  });

  it('looks at the heap after every WRITES_PER_LOOK-th write, as after a page', () => {
    let reads = 0;
    let used = 10 * MiB;
    const guard = heapGuard({ usedBytes: () => (reads++, used), collect: () => void (used = 10 * MiB), slackBytes: MiB, baseline: {} });
    expect(reads).toBe(1); // the base
    used += 2 * MiB;
    for (let i = 1; i < WRITES_PER_LOOK; i++) guard.afterWrite();
    expect([reads, guard.collections]).toEqual([1, 0]);
    guard.afterWrite();
    expect([reads, guard.collections]).toEqual([3, 1]);
    for (let i = 0; i < WRITES_PER_LOOK; i++) guard.afterWrite();
    // Looked once more, found no growth: no collection.
    expect([reads, guard.collections]).toEqual([4, 1]);
  });

  it("measures a warm instance's next sweep from the level the last one left, not from where it begins", () => {
    const { heap, deps, pageAt } = fakeHeap(10 * MiB, () => 10 * MiB);
    const shared = { ...deps, slackBytes: 2 * MiB, baseline: {} };
    const first = heapGuard(shared);
    pageAt(first, 11.5 * MiB);
    expect(heap.collected).toEqual([]);
    // The next sweep begins with the first one's 1.5 MiB of garbage: one more MiB is past the slack.
    const second = heapGuard(shared);
    pageAt(second, 12.5 * MiB);
    expect(heap.collected).toEqual([12.5 * MiB]);
    expect([first.collections, second.collections]).toEqual([0, 1]);
    // V8 collected by itself (the old generation shrank below the level): the level follows it down.
    heap.used = 9 * MiB;
    const third = heapGuard(shared);
    pageAt(third, 9 * MiB);
    pageAt(third, 10.5 * MiB);
    expect(heap.collected).toHaveLength(1);
    pageAt(third, 11 * MiB);
    expect(heap.collected).toEqual([12.5 * MiB, 11 * MiB]);
  });

  it('does nothing, and reads nothing, where no collection is exposed', () => {
    let reads = 0;
    const guard = heapGuard({ usedBytes: () => (reads++, 100 * MiB), collect: undefined, baseline: {} });
    guard.afterPage();
    for (let i = 0; i < 2 * WRITES_PER_LOOK; i++) guard.afterWrite();
    expect(reads).toBe(0);
    expect(guard.collections).toBe(0);
  });

  it('defaults to 2 MiB of slack', () => {
    expect(DEFAULT_HEAP_SLACK_BYTES).toBe(2 * MiB);
  });

  it("uses --expose-gc's gc() and V8's heap by default: a process whose heap grows past the slack gets one collection", () => {
    const script = `
      const { heapGuard } = require(${JSON.stringify(fileURLToPath(new URL('../../../lib/sweep/heap.ts', import.meta.url)))});
      const guard = heapGuard();
      const keep = [];
      for (let i = 0; i < 64 && guard.collections === 0; i++) { keep.push(new Array(32768).fill(i + 0.5)); guard.afterPage(); }
      process.stdout.write(String(guard.collections));`;
    const run = (flags: string[]) => execFileSync(process.execPath, [...flags, '--import', 'tsx', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(run(['--expose-gc'])).toBe('1');
    expect(run([])).toBe('0');
  });
});
