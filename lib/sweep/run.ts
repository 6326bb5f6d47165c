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
import { mapLimited } from '../core/concurrency';
import type { Deadline } from '../core/deadline';
import { AppError, toAppError } from '../core/errors';
import type { Logger } from '../core/log';
import { logSink } from '../core/log';
import { emfLine } from './metrics';
import { field, jobState, text } from '../job/model';
import { annotationPatch, NO_PHASE, observeJob, type StuckJob, type Transition } from './rules';

export type SweepClient = Pick<JobApi, 'listJobs' | 'patchJob'>;

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
  /** `limit` of each list call. */
  pageSize: number;
  /** Namespaces listed at the same time. */
  concurrency: number;
  /** Annotation patches in flight per namespace (default 8). */
  patchConcurrency?: number;
  /** Restarts of one namespace's listing after 410 Expired (default 3). */
  maxRestarts?: number;
  /** Receives transitions and newly stuck jobs; absent: no events. */
  emit?: Emit;
  /** Where EMF lines go (default: stdout, one line each). */
  metrics?: (line: string) => void;
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
  lowOnTime: () => boolean;
  annotations: { written: number; failed: number; skipped: number };
}

export async function runSweep(opts: SweepOptions): Promise<SweepReport> {
  const started = Date.now();
  const budget = opts.deadline.remaining();
  const low = lowWaterMark(budget);
  const shared: Shared = {
    opts,
    nowMs: opts.now.getTime(),
    lowOnTime: () => opts.deadline.remaining() < low,
    annotations: { written: 0, failed: 0, skipped: 0 },
  };
  const namespaces = [...new Set(opts.namespaces)];
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
  let restarts = 0;
  const maxRestarts = opts.maxRestarts ?? 3;

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
        const page = await opts.client.listJobs(
          namespace,
          { labelSelector: opts.labelSelector, limit: opts.pageSize, continue: token },
          opts.deadline,
        );
        pages++;
        const writes: Array<{ name: string; patch: string }> = [];
        for (const job of page.items) {
          jobs++;
          const seen = observeJob(job, namespace, shared.nowMs, opts.stuckAfterMs);
          const phase = seen.phase ?? NO_PHASE;
          phases.set(phase, (phases.get(phase) ?? 0) + 1);
          if (seen.stuck) stuck.push(seen.stuck);
          const name = job.metadata.name;
          if (seen.transition) {
            transitions.set(name, seen.transition);
            events.set(`t/${name}`, {
              type: 'transition',
              namespace,
              name,
              uid: text(job.metadata.uid),
              from: seen.transition.from,
              to: seen.transition.to,
              at: text(field(jobState(job), 'lastTransitionTime')) || opts.now.toISOString(),
            });
          }
          if (seen.newlyStuck && seen.stuck) {
            events.set(`s/${name}`, {
              type: 'stuck',
              namespace,
              name,
              uid: text(job.metadata.uid),
              from: seen.stuck.phase,
              to: seen.stuck.phase,
              at: opts.now.toISOString(),
              since: seen.stuck.since,
            });
          }
          if (seen.annotations) writes.push({ name, patch: annotationPatch(seen.annotations) });
        }
        await writeAnnotations(namespace, writes, shared, log);
        // Only the server's continue token says whether more follows, never the page's size.
        const next = page.metadata?.continue || undefined;
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

/** Annotation writes never fail the sweep: a failed one is counted and tried again next time. */
async function writeAnnotations(namespace: string, writes: Array<{ name: string; patch: string }>, shared: Shared, log: Logger): Promise<void> {
  if (writes.length === 0) return;
  const { opts, annotations } = shared;
  await mapLimited(writes, opts.patchConcurrency ?? 8, async ({ name, patch }) => {
    if (shared.lowOnTime()) {
      annotations.skipped++;
      return;
    }
    try {
      await opts.client.patchJob(namespace, name, PATCH_TYPES.merge, patch, { fieldManager: DEFAULT_FIELD_MANAGER }, opts.deadline);
      annotations.written++;
    } catch (err) {
      const e = toAppError(err);
      // 404: deleted since it was listed; there is nothing left to record.
      if (e.status === 404) return;
      annotations.failed++;
      log.warn('annotation write failed', { job: name, status: e.status, code: e.code, detail: e.message });
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
    },
    shared.nowMs,
  );
  (shared.opts.metrics ?? ((l: string) => logSink.write(l)))(line);
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
    startedAt: shared.opts.now.toISOString(),
    durationMs: Date.now() - started,
  };
  if (failures.length > 0) report.failures = failures;
  if (events) report.events = events;
  return report;
}
