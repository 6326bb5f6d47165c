/**
 * Bounded concurrency: the one worker pool of the project (sweep namespaces and annotation writes,
 * queue lanes), so limits are expressed the same way everywhere, and one gate for a limit shared by
 * several pools (the sweep's writes over all namespaces).
 */
/** Runs `work` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * A limit shared by several pools: `enter()` before the work, `leave()` after it (in a `finally`),
 * whoever the caller. At most `limit` are inside at once; the others wait in order. `enter()`
 * returns a promise only when there is a wait, so a free slot costs no promise (the sweep passes
 * every one of a fleet's writes through its gate).
 */
export interface Gate {
  enter(): Promise<void> | undefined;
  leave(): void;
}

export function gate(limit: number): Gate {
  let inside = 0;
  const waiting: Array<() => void> = [];
  return {
    enter() {
      if (inside < limit) {
        inside++;
        return undefined;
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    leave() {
      // The slot passes straight to the next waiter: `inside` counts it still.
      const next = waiting.shift();
      if (next) next();
      else inside--;
    },
  };
}
