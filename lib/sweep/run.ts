/**
 * The status sweep: lists every job of each namespace page by page, folds each job into counts
 * as the page arrives (memory stays flat: no job outlives its page), and finds stuck jobs and
 * phase transitions with the annotations of sweep-rules. Free of trigger and queue types: the
 * handler passes the client, the clock, the deadline and an `emit` for events.
 *
 * `complete` is false only when the deadline cut the sweep short (contract). A namespace that
 * fails (403, 404, 5xx after retries) is listed in `failures` and leaves the others alone; it
 * does not make the sweep incomplete, as running again would not help.
 */
import { DEFAULT_FIELD_MANAGER, PATCH_TYPES, type JobApi } from '../cci/port';
import { gate, mapLimited, type Gate } from '../core/concurrency';
import type { Deadline } from '../core/deadline';
import { AppError, toAppError } from '../core/errors';
import type { Logger } from '../core/log';
import { logSink } from '../core/log';
import { podGroupInsight, podGroupNames, type PodGroupInsight } from '../job/podgroup';
import { emfLine } from './metrics';
import { field, jobState, scanJobList, text, type JobPageScan, type VolcanoJob } from '../job/model';
import type { HeapGuard } from './heap';
import { annotationPatch, NO_PHASE, observeJob, type StuckJob, type Transition } from './rules';

/** `getPodGroup` is optional: without it, stuck entries carry no `podGroup`. */
export type SweepClient = Pick<JobApi, 'readJobList' | 'patchJob'> & Partial<Pick<JobApi, 'getPodGroup'>>;

/** One PodGroup read (both names included) gets at most this long: the reason is worth less than the sweep. */
export const POD_GROUP_READ_MS = 3_000;

export interface SweepEvent {
  type: 'transition' | 'stuck';
  namespace: string;
  name: string;
  uid: string | undefined;
  /** Transition: the previous phase. Stuck: the phase it is stuck in. */
  from: string;
  to: string;
  /** Transition: when the job entered `to` (its lastTransitionTime, else the sweep time). Stuck: the sweep time. */
  at: string;
  /** Stuck only: when the stuck clock started. */
  since?: string;
  /** Stuck only: the job's `status.state` reason and message, and its PodGroup's, when known. */
  reason?: string;
  message?: string;
  podGroup?: PodGroupInsight;
}

export interface EmitResult {
  sent: number;
  failed: Array<{ event: SweepEvent; reason: string }>;
}

export type Emit = (events: SweepEvent[]) => Promise<EmitResult>;

export interface SweepOptions {
  client: SweepClient;
  namespaces: readonly string[];
  labelSelector?: string;
  stuckAfterMs: number;
  now: Date;
  deadline: Deadline;
  log: Logger;
  /** `limit` of each list call, at most (see `pageBytes`). */
  pageSize: number;
  /**
   * Target size of one list answer, in JSON characters (default 256 Ki): after each page the next
   * `limit` is what fits at that page's size per job, within min(10, pageSize)..pageSize. Pages in
   * flight are then bounded by memory, not by count: a fleet of large jobs gets smaller pages.
   */
  pageBytes?: number;
  /** Namespaces listed at the same time. */
  concurrency: number;
  /**
   * Annotation patches in flight per namespace (default: `writesInFlight` shared among the
   * namespaces listed at once, so that writes do not queue for the shared bound: a write waiting
   * for its slot was promoted with its closures, 5 MiB over a 40,000-job first sweep).
   */
  patchConcurrency?: number;
  /**
   * Annotation patches in flight over all namespaces (default 16). Each write holds a request and
   * its answer; with many in flight they outlive young-generation collections and are promoted, and
   * the old generation grows with the writes (a first sweep writes every job) instead of staying
   * flat: at 128 MB, 32 in flight promoted 5.4 KB per write, 16 under 0.3 KB.
   */
  writesInFlight?: number;
  /** PodGroup reads in flight per namespace (default 4). */
  podGroupConcurrency?: number;
  /** Jobs whose PodGroup one sweep reads at most, over all namespaces (default 500): later stuck jobs go without. */
  maxPodGroupReads?: number;
  /** Restarts of one namespace's listing after 410 Expired (default 3). */
  maxRestarts?: number;
  /** Receives transitions and newly stuck jobs; absent: no events. */
  emit?: Emit;
  /** Where EMF lines go (default: stdout, one line each). */
  metrics?: (line: string) => void;
  /** Told after each page, once its writes are done, and after each write (sweep/heap): keeps the heap from growing with the fleet. */
  heap?: HeapGuard;
}

export type NamespaceStatus = 'complete' | 'partial' | 'failed' | 'not-started';

export interface NamespaceCoverage {
  namespace: string;
  status: NamespaceStatus;
  jobs: number;
  pages: number;
  restarts: number;
}

export interface SweepFailure {
  namespace: string;
  reason: string;
  status: number;
  code: string;
}

export interface SweepReport {
  namespaces: string[];
  jobs: number;
  phases: Record<string, number>;
  stuck: StuckJob[];
  transitions: Transition[];
  complete: boolean;
  /** Per namespace: how far the listing got. Counts above sum every namespace's listed jobs. */
  coverage: NamespaceCoverage[];
  failures?: SweepFailure[];
  /** Annotation writes: `failed` ones are retried by the next sweep (which may report the same change again). */
  annotations: { written: number; failed: number; skipped: number };
  events?: { sent: number; failed: Array<{ type: string; namespace: string; name: string; reason: string }> };
  startedAt: string;
  durationMs: number;
}


/**
 * Annotation writes in flight over all namespaces (SWEEP_WRITES_IN_FLIGHT). 16 keeps what a write
 * allocates while in flight under one young generation at 128 MB (24 and 32 had writes promoted:
 * `npm run bench`, README "Sweep memory"); against a CCI that answers a write in 30 ms it is
 * ~420 writes/s (the bench's latency rows), and 32 twice that for ~7 MiB more.
 */
export const DEFAULT_WRITES_IN_FLIGHT = 16;

export const DEFAULT_PAGE_BYTES = 256 * 1024;

/** The next page's `limit` after a page of `jobs` jobs whose answer was `answerBytes` long. */
export function nextPageLimit(current: number, jobs: number, answerBytes: number | undefined, pageSize: number, pageBytes: number): number {
  if (answerBytes === undefined || answerBytes <= 0 || jobs === 0) return current;
  const fits = Math.floor((pageBytes * jobs) / answerBytes);
  return Math.max(Math.min(10, pageSize), Math.min(pageSize, fits));
}

/** Stop starting new pages or namespaces below this much time: max(1 s, 10% of the budget). */
export function lowWaterMark(budgetMs: number): number {
  return Math.max(1_000, budgetMs * 0.1);
}

interface NamespaceResult {
  coverage: NamespaceCoverage;
  phases: Map<string, number>;
  stuck: StuckJob[];
  transitions: Transition[];
  events: SweepEvent[];
  failure?: SweepFailure;
  emitted?: EmitResult;
}

interface Shared {
  opts: SweepOptions;
  nowMs: number;
  /** The same instant as text: events' `at` and the report's `startedAt`. */
  nowIso: string;
  lowOnTime: () => boolean;
  annotations: { written: number; failed: number; skipped: number };
  /** PodGroup reads left for this sweep. */
  podGroupBudget: number;
  /** Passes every annotation write, over all namespaces (`writesInFlight`). */
  writeGate: Gate;
  /** Writes one namespace has in flight (`patchConcurrency`). */
  writesPerNamespace: number;
}

export async function runSweep(opts: SweepOptions): Promise<SweepReport> {
  const started = Date.now();
  const budget = opts.deadline.remaining();
  const low = lowWaterMark(budget);
  const namespaces = [...new Set(opts.namespaces)];
  const writesInFlight = opts.writesInFlight ?? DEFAULT_WRITES_IN_FLIGHT;
  const listedAtOnce = Math.max(1, Math.min(opts.concurrency, namespaces.length));
  const shared: Shared = {
    opts,
    nowMs: opts.now.getTime(),
    nowIso: opts.now.toISOString(),
    lowOnTime: () => opts.deadline.remaining() < low,
    annotations: { written: 0, failed: 0, skipped: 0 },
    podGroupBudget: opts.maxPodGroupReads ?? 500,
    writeGate: gate(writesInFlight),
    writesPerNamespace: opts.patchConcurrency ?? Math.max(1, Math.ceil(writesInFlight / listedAtOnce)),
  };
  const results = await mapLimited(namespaces, opts.concurrency, async (ns) => {
    if (shared.lowOnTime()) return notStarted(ns);
    const result = await sweepNamespace(ns, shared);
    if (result.coverage.status === 'complete') writeMetrics(result, shared);
    if (opts.emit && result.events.length > 0) result.emitted = await emitSafely(opts.emit, result.events, opts.log);
    return result;
  });
  return buildReport(namespaces, results, shared, started);
}

function notStarted(namespace: string): NamespaceResult {
  return {
    coverage: { namespace, status: 'not-started', jobs: 0, pages: 0, restarts: 0 },
    phases: new Map(),
    stuck: [],
    transitions: [],
    events: [],
  };
}

async function sweepNamespace(namespace: string, shared: Shared): Promise<NamespaceResult> {
  const { opts } = shared;
  const log = opts.log.child({ namespace });
  // Transitions and newly stuck jobs outlive a restarted listing: their annotations may already
  // be written, so the second listing would not find them again. Keyed by name: no duplicates.
  const transitions = new Map<string, Transition>();
  const events = new Map<string, SweepEvent>();
  // PodGroups read so far (null: none to be had), so a restarted listing does not read them again.
  const podGroups: PodGroupReads = { byJob: new Map(), unavailable: false };
  let restarts = 0;
  const maxRestarts = opts.maxRestarts ?? 3;
  // Learned from each answer's size; kept across a restarted listing (the jobs are the same).
  let limit = opts.pageSize;

  for (;;) {
    // Counts come from one complete listing only: a restart starts them from zero.
    const phases = new Map<string, number>();
    const stuck: StuckJob[] = [];
    let jobs = 0;
    let pages = 0;
    const result = (status: NamespaceStatus, failure?: SweepFailure): NamespaceResult => ({
      coverage: { namespace, status, jobs, pages, restarts },
      phases,
      stuck,
      transitions: [...transitions.values()],
      events: [...events.values()],
      ...(failure ? { failure } : {}),
    });

    let token: string | undefined;
    try {
      do {
        if (shared.lowOnTime()) {
          log.warn('sweep cut short by the deadline', { pages, jobs });
          return result('partial');
        }
        const { page, fold, limit: asked } = await readPage(namespace, token, limit, shared, log);
        limit = asked;
        pages++;
        jobs += page.jobs;
        for (const [phase, n] of fold.phases) phases.set(phase, (phases.get(phase) ?? 0) + n);
        for (const s of fold.stuck) stuck.push(s.entry);
        for (const [name, t] of fold.transitions) transitions.set(name, t);
        for (const [key, event] of fold.events) events.set(key, event);
        // Only the server's continue token says whether more follows, never the page's size.
        const next = page.continue || undefined;
        limit = nextPageLimit(limit, page.jobs, page.bytes, opts.pageSize, opts.pageBytes ?? DEFAULT_PAGE_BYTES);
        await Promise.all([writeAnnotations(namespace, fold.writeNames, fold.writePatches, shared, log), describeStuck(namespace, fold.stuck, podGroups, shared, log)]);
        opts.heap?.afterPage();
        if (next !== undefined && next === token) {
          throw new AppError(502, 'cci-bad-answer', `CCI returned the same continue token twice for namespace "${namespace}"`);
        }
        token = next;
      } while (token !== undefined);
      return result('complete');
    } catch (err) {
      const e = toAppError(err);
      if (e.status === 410 && restarts < maxRestarts) {
        restarts++;
        log.warn('continue token expired: listing the namespace again', { restarts, pagesLost: pages });
        continue;
      }
      if (e.status === 504 && shared.lowOnTime()) {
        log.warn('sweep cut short by the deadline', { pages, jobs });
        return result('partial');
      }
      const failure: SweepFailure = { namespace, reason: e.message, status: e.status, code: e.code };
      log.error('namespace sweep failed', { status: e.status, code: e.code, detail: e.message, pages, jobs });
      return result('failed', failure);
    }
  }
}

/**
 * One page, each job folded into the page's counts while the page is parsed: no page of jobs
 * exists at once, and only what the page adds (its writes, its rare events) outlives it. An answer
 * over the client's size bound (huge jobs) is asked for again with half as many jobs, down to one;
 * the limit that worked is returned.
 */
async function readPage(namespace: string, token: string | undefined, limit: number, shared: Shared, log: Logger): Promise<{ page: JobPageScan; fold: PageFold; limit: number }> {
  const { opts } = shared;
  for (;;) {
    const fold = new PageFold(namespace, shared.nowMs, opts.stuckAfterMs, shared.nowIso);
    try {
      const page = await opts.client.readJobList(namespace, { labelSelector: opts.labelSelector, limit, continue: token }, opts.deadline, (body) => scanJobList(body, fold.visit));
      return { page, fold, limit };
    } catch (err) {
      if (toAppError(err).code !== 'cci-answer-too-large' || limit <= 1) throw err;
      limit = Math.max(1, Math.floor(limit / 2));
      log.warn('list answer too large: asking for fewer jobs per page', { limit });
    }
  }
}

/** Annotation writes never fail the sweep: a failed one is counted and tried again next time. */
async function writeAnnotations(namespace: string, names: readonly string[], patches: readonly string[], shared: Shared, log: Logger): Promise<void> {
  if (names.length === 0) return;
  const { opts, annotations } = shared;
  await mapLimited(names, shared.writesPerNamespace, async (name, i) => {
    const patch = patches[i]!;
    const turn = shared.writeGate.enter();
    if (turn) await turn;
    try {
      // Time is checked once the write has its slot: waiting for one may have used it up.
      if (shared.lowOnTime()) {
        annotations.skipped++;
        return;
      }
      // The patched job is not read: its answer is not parsed (10,000 first-sight writes, 10,000 bodies).
      await opts.client.patchJob(namespace, name, PATCH_TYPES.merge, patch, { fieldManager: DEFAULT_FIELD_MANAGER, discardAnswer: true }, opts.deadline);
      annotations.written++;
      opts.heap?.afterWrite();
    } catch (err) {
      const e = toAppError(err);
      // 404: deleted since it was listed; there is nothing left to record.
      if (e.status === 404) return;
      annotations.failed++;
      log.warn('annotation write failed', { job: name, status: e.status, code: e.code, detail: e.message });
    } finally {
      shared.writeGate.leave();
    }
  });
}

/**
 * What one page adds to its namespace, gathered job by job while the page is parsed and taken
 * over only once the whole page was read (a bad job later in the page drops the page). Per job,
 * nothing outlives the visit unless the job needs a write or an event: a steady sweep keeps no
 * per-job object at all, and a first sweep keeps a name and a shared patch text per write.
 */
class PageFold {
  readonly phases = new Map<string, number>();
  readonly stuck: StuckOnPage[] = [];
  readonly transitions: Array<[string, Transition]> = [];
  readonly events: Array<[string, SweepEvent]> = [];
  readonly writeNames: string[] = [];
  readonly writePatches: string[] = [];

  constructor(
    private readonly namespace: string,
    private readonly nowMs: number,
    private readonly stuckAfterMs: number,
    private readonly nowIso: string,
  ) {}

  readonly visit = (job: VolcanoJob): void => {
    const { namespace } = this;
    const seen = observeJob(job, namespace, this.nowMs, this.stuckAfterMs);
    const phase = seen.phase ?? NO_PHASE;
    this.phases.set(phase, (this.phases.get(phase) ?? 0) + 1);
    const name = job.metadata.name;
    if (seen.stuck) this.stuck.push({ entry: seen.stuck, uid: text(job.metadata.uid) });
    if (seen.transition) {
      this.transitions.push([name, seen.transition]);
      this.events.push([
        `t/${name}`,
        {
          type: 'transition',
          namespace,
          name,
          uid: text(job.metadata.uid),
          from: seen.transition.from,
          to: seen.transition.to,
          at: text(field(jobState(job), 'lastTransitionTime')) || this.nowIso,
        },
      ]);
    }
    if (seen.newlyStuck && seen.stuck) {
      const event: SweepEvent = {
        type: 'stuck',
        namespace,
        name,
        uid: text(job.metadata.uid),
        from: seen.stuck.phase,
        to: seen.stuck.phase,
        at: this.nowIso,
        since: seen.stuck.since,
      };
      if (seen.stuck.reason) event.reason = seen.stuck.reason;
      if (seen.stuck.message) event.message = seen.stuck.message;
      this.events.push([`s/${name}`, event]);
      this.stuck.at(-1)!.event = event;
    }
    if (seen.annotations) {
      this.writeNames.push(name);
      this.writePatches.push(annotationPatch(seen.annotations));
    }
  };
}

interface StuckOnPage {
  entry: StuckJob;
  uid: string | undefined;
  event?: SweepEvent;
}

interface PodGroupReads {
  byJob: Map<string, PodGroupInsight | null>;
  /** Set on the first 403: this namespace's PodGroups are not ours to read (CCI may not serve them). */
  unavailable: boolean;
}

/**
 * Adds `podGroup` to the page's stuck entries (and their events) from each job's PodGroup: read once
 * per job per sweep, a few at a time, each read bounded by POD_GROUP_READ_MS and the deadline, and
 * none started when time runs low. 404 under both names, 403, or any failure leaves it out: it is
 * an explanation, never a reason for the sweep to fail.
 */
async function describeStuck(namespace: string, stuck: StuckOnPage[], reads: PodGroupReads, shared: Shared, log: Logger): Promise<void> {
  const { opts } = shared;
  const client = opts.client;
  if (stuck.length === 0 || !client.getPodGroup) return;
  await mapLimited(stuck, opts.podGroupConcurrency ?? 4, async (s) => {
    const name = s.entry.name;
    if (!reads.byJob.has(name)) {
      if (reads.unavailable || shared.podGroupBudget <= 0 || shared.lowOnTime()) return;
      shared.podGroupBudget--;
      reads.byJob.set(name, null);
      const deadline = opts.deadline.within(POD_GROUP_READ_MS);
      for (const pgName of podGroupNames(name, s.uid)) {
        try {
          reads.byJob.set(name, podGroupInsight(await client.getPodGroup!(namespace, pgName, deadline)));
          break;
        } catch (err) {
          const e = toAppError(err);
          if (e.status === 404) continue;
          if (e.code === 'cci-forbidden') reads.unavailable = true;
          else log.warn('podgroup not read', { job: name, podGroup: pgName, status: e.status, code: e.code, detail: e.message });
          break;
        }
      }
    }
    const pg = reads.byJob.get(name);
    if (pg) {
      s.entry.podGroup = pg;
      if (s.event) s.event.podGroup = pg;
    }
  });
}

async function emitSafely(emit: Emit, events: SweepEvent[], log: Logger): Promise<EmitResult> {
  try {
    const out = await emit(events);
    for (const f of out.failed) log.warn('event not sent', { type: f.event.type, namespace: f.event.namespace, job: f.event.name, reason: f.reason });
    return out;
  } catch (err) {
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : 'emit failed';
    log.error('events not sent', { count: events.length, reason });
    return { sent: 0, failed: events.map((event) => ({ event, reason })) };
  }
}

function writeMetrics(r: NamespaceResult, shared: Shared): void {
  const line = emfLine(
    {
      namespace: r.coverage.namespace,
      jobs: r.coverage.jobs,
      stuck: r.stuck.length,
      transitions: r.transitions.length,
      phases: Object.fromEntries(r.phases),
      transitionsTo: countBy(r.transitions, (t) => t.to),
    },
    shared.nowMs,
  );
  (shared.opts.metrics ?? ((l: string) => logSink.write(l)))(line);
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

const byJob = (order: Map<string, number>) => (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
  (order.get(a.namespace) ?? 0) - (order.get(b.namespace) ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function buildReport(namespaces: string[], results: NamespaceResult[], shared: Shared, started: number): SweepReport {
  // A Map while counting: a phase named `constructor` or `__proto__` is a name like any other.
  const phases = new Map<string, number>();
  let jobs = 0;
  const stuck: StuckJob[] = [];
  const transitions: Transition[] = [];
  const failures: SweepFailure[] = [];
  let events: SweepReport['events'];
  for (const r of results) {
    jobs += r.coverage.jobs;
    for (const [phase, n] of r.phases) phases.set(phase, (phases.get(phase) ?? 0) + n);
    stuck.push(...r.stuck);
    transitions.push(...r.transitions);
    if (r.failure) failures.push(r.failure);
    if (r.emitted) {
      events ??= { sent: 0, failed: [] };
      events.sent += r.emitted.sent;
      for (const f of r.emitted.failed) events.failed.push({ type: f.event.type, namespace: f.event.namespace, name: f.event.name, reason: f.reason });
    }
  }
  if (shared.opts.emit && !events) events = { sent: 0, failed: [] };
  const order = new Map(namespaces.map((ns, i) => [ns, i]));
  stuck.sort(byJob(order));
  transitions.sort(byJob(order));
  const report: SweepReport = {
    namespaces,
    jobs,
    phases: Object.fromEntries(phases),
    stuck,
    transitions,
    complete: results.every((r) => r.coverage.status === 'complete' || r.coverage.status === 'failed'),
    coverage: results.map((r) => r.coverage),
    annotations: shared.annotations,
    startedAt: shared.nowIso,
    durationMs: Date.now() - started,
  };
  if (failures.length > 0) report.failures = failures;
  if (events) report.events = events;
  return report;
}
