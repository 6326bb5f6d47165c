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

/** At most `limit` of the calls passed to the gate run at once, whoever passes them; the others wait in order. */
export function gate(limit: number): <R>(work: () => Promise<R>) => Promise<R> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (work) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter: `running` counts it still.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
