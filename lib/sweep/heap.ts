/**
 * Keeps a sweep's heap from growing with the fleet. V8 starts its first full collection only when
 * the old generation reaches its initial limit, half its maximum (32 MB of the 64 the deployed
 * sweepJobs gets): until then, everything that outlived two young collections stays, dead or not
 * (requests in flight, pages being read). A sweep of 40,000 jobs never gets there, so its peak
 * memory grew with the fleet, and a larger one would grow until it did. Between pages, and every
 * WRITES_PER_LOOK-th write while a page's writes run, when the old generation has grown
 * `slackBytes` since the last collection, this collects: it then stays within that slack of what
 * the sweep really holds.
 *
 * The collection is `gc()`, which Node exposes only with `--expose-gc` (the deployed sweepJobs'
 * NODE_OPTIONS has it; Lambda's own bootstrap passes it too when NODE_OPTIONS names no heap size).
 * Without it the guard does nothing. Each collection pauses the sweep for 4–12 ms, and V8 then
 * re-optimizes the node:http code whose optimized form the collection invalidated (~50 functions,
 * 100–200 ms of CPU here): so the slack is not smaller than it has to be.
 */
import { lazy } from '../core/lazy';

/** Told by the sweep after each page (once its writes are done) and after each annotation write. */
export interface HeapGuard {
  afterPage(): void;
  afterWrite(): void;
}

/**
 * Writes between two looks at the heap while a page's writes run. A page's writes can take seconds
 * against a CCI that answers each in tens of milliseconds, and every write in flight then outlives
 * young collections: measured per page only, a first sweep with 32 writes in flight against 30 ms
 * writes piled up ~7 MiB of promoted garbage between two pages. A look costs one call into V8;
 * every 16th write keeps that off the write path.
 */
export const WRITES_PER_LOOK = 16;

/**
 * Old-generation growth since the last collection that makes the next page boundary collect.
 * Measured at 128 MB (`npm run bench`, scaling rows, Node 20): with 2 MiB a first sweep of
 * 40,000 jobs collects three times, a steady one once, and both peak within 1.5–3.6 MiB of a
 * 2,500-job sweep; 3 MiB made no fewer collections and left steady sweeps 3–4 MiB apart.
 */
export const DEFAULT_HEAP_SLACK_BYTES = 2 * 1024 * 1024;

export interface HeapGuardDeps {
  /** Bytes the heap uses now (default: V8's, young generation left out: see oldGenerationBytes). */
  usedBytes?: () => number;
  /** A full collection, or undefined where none is exposed (default: globalThis.gc). */
  collect?: (() => void) | undefined;
  slackBytes?: number;
  /** Where the heap's level is kept between sweeps (default: the process's, see HeapBaseline). */
  baseline?: HeapBaseline;
}

/**
 * The heap's level after the last collection, or as the process's first sweep found it: kept
 * for the process, not for one sweep. A sweep leaves up to its slack of promoted garbage behind,
 * and a warm instance runs one sweep after another: measured from where each sweep began, that
 * garbage ratcheted up from sweep to sweep until V8 collected by itself at half the old
 * generation's maximum (10,000 jobs: one sweep grew 12.2 MiB, the worst of fifty in one process
 * 20.2 MiB, while what they kept grew 0.45 MiB).
 */
export interface HeapBaseline {
  bytes?: number;
}

const processBaseline: HeapBaseline = {};

/** How many collections a guard has made: the sweep's report of what it cost. */
export interface HeapGuardStats {
  collections: number;
}

export function heapGuard(deps: HeapGuardDeps = {}): HeapGuard & HeapGuardStats {
  const collect = 'collect' in deps ? deps.collect : exposedGc();
  const usedBytes = deps.usedBytes ?? oldGenerationBytes;
  const slack = deps.slackBytes ?? DEFAULT_HEAP_SLACK_BYTES;
  const baseline = deps.baseline ?? processBaseline;
  // What the process held before its first sweep is not a sweep's growth.
  if (collect && baseline.bytes === undefined) baseline.bytes = usedBytes();
  let writes = 0;
  return {
    collections: 0,
    afterPage() {
      if (!collect) return;
      const used = usedBytes();
      // Below the level: V8 collected by itself (the old generation shrinks only then), so that is the level now.
      const level = Math.min(baseline.bytes ?? used, used);
      baseline.bytes = level;
      if (used - level < slack) return;
      collect();
      this.collections++;
      baseline.bytes = usedBytes();
    },
    afterWrite() {
      if (++writes % WRITES_PER_LOOK === 0) this.afterPage();
    },
  };
}

/** node:v8, loaded on the first measurement: a sweep without gc() never needs it, and no cold start pays it. */
const v8 = lazy(() => require('node:v8') as typeof import('node:v8'));

/**
 * What the heap uses outside the young generation. The young generation fills and empties by
 * itself (up to 16 MiB of it where Lambda's own flags size it): counted, it would make every page
 * look like growth.
 */
function oldGenerationBytes(): number {
  let bytes = 0;
  for (const space of v8().getHeapSpaceStatistics()) if (!space.space_name.startsWith('new_')) bytes += space.space_used_size;
  return bytes;
}

/** `gc` as `--expose-gc` defines it on the global object, if it does. */
function exposedGc(): (() => void) | undefined {
  const gc: unknown = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? (gc as () => void) : undefined;
}
