/**
 * What one sweep concludes about one job, as pure functions of the job and the clock.
 *
 * The sweep keeps no database: what it saw last time lives on the job as two annotations.
 * - LAST_PHASE: the phase observed by the previous sweep. A different phase now is a transition;
 *   a job without it is seen for the first time and is recorded, not reported.
 * - STUCK_SINCE: present while the job is stuck, holding the time its stuck clock started
 *   (`since`). "Newly stuck" = stuck now and the annotation does not hold this `since`, so a
 *   stuck event is sent once per episode; leaving the waiting phase removes it.
 * Both are written only when their value changes: a sweep over an unchanged fleet writes nothing.
 */
import { keptPerKey } from '../core/lazy';
import { field, jobPhase, jobState, text, type VolcanoJob } from '../job/model';
import type { PodGroupInsight } from '../job/podgroup';

export const LAST_PHASE_ANNOTATION = 'volcano-job-functions/last-phase';
export const STUCK_SINCE_ANNOTATION = 'volcano-job-functions/stuck-since';

/** Phases in which a job waits for the scheduler; `Inqueue` is the one CCI still reports. */
export const WAITING_PHASES: ReadonlySet<string> = new Set(['Pending', 'Inqueue']);

/** Reported under this key in `phases` for jobs Volcano has not given a status yet. */
export const NO_PHASE = 'Unknown';

export interface Transition {
  namespace: string;
  name: string;
  from: string;
  to: string;
}

export interface StuckJob {
  namespace: string;
  name: string;
  phase: string;
  since: string;
  /** From the job's `status.state`, when present. */
  reason?: string;
  message?: string;
  /** From the job's PodGroup, when it could be read (the sweep adds it). */
  podGroup?: PodGroupInsight;
}

export interface JobObservation {
  phase: string | undefined;
  /** Set when the job is stuck now. */
  stuck?: StuckJob;
  newlyStuck: boolean;
  transition?: Transition;
  /** Annotations to write (null removes); absent when nothing changed. */
  annotations?: Record<string, string | null>;
}

/** When the job's current phase started: the state's lastTransitionTime, else its creation. */
export function phaseSince(job: VolcanoJob): string | undefined {
  return text(field(jobState(job), 'lastTransitionTime')) || text(job.metadata.creationTimestamp) || undefined;
}

/** The `since` of a stuck job, or undefined when it is not stuck (or its times cannot be read). */
export function stuckSince(job: VolcanoJob, nowMs: number, stuckAfterMs: number): string | undefined {
  const phase = jobPhase(job);
  if (phase === undefined || !WAITING_PHASES.has(phase)) return undefined;
  const since = phaseSince(job);
  if (since === undefined) return undefined;
  const started = Date.parse(since);
  if (!Number.isFinite(started)) return undefined;
  return nowMs - started > stuckAfterMs ? since : undefined;
}

export function observeJob(job: VolcanoJob, namespace: string, nowMs: number, stuckAfterMs: number): JobObservation {
  const phase = jobPhase(job) || undefined;
  // Without a phase there is nothing to compare next time: leave the job untouched.
  if (phase === undefined) return { phase, newlyStuck: false };

  const name = job.metadata.name;
  // Read in place (own string entries only, as stringMap keeps them): no copy of the map per job.
  const lastPhase = text(field(job.metadata.annotations, LAST_PHASE_ANNOTATION));
  const recordedStuck = text(field(job.metadata.annotations, STUCK_SINCE_ANNOTATION));
  const since = stuckSince(job, nowMs, stuckAfterMs);

  const out: JobObservation = { phase, newlyStuck: false };
  const changes: Record<string, string | null> = {};
  if (lastPhase !== phase) {
    changes[LAST_PHASE_ANNOTATION] = phase;
    if (lastPhase !== undefined) out.transition = { namespace, name, from: lastPhase, to: phase };
  }
  if (since !== undefined) {
    out.stuck = { namespace, name, phase, since };
    const state = jobState(job);
    const reason = text(field(state, 'reason'));
    const message = text(field(state, 'message'));
    if (reason) out.stuck.reason = reason;
    if (message) out.stuck.message = message;
    if (recordedStuck !== since) {
      out.newlyStuck = true;
      changes[STUCK_SINCE_ANNOTATION] = since;
    }
  } else if (recordedStuck !== undefined) {
    changes[STUCK_SINCE_ANNOTATION] = null;
  }
  if (Object.keys(changes).length > 0) out.annotations = changes;
  return out;
}

/** The merge patch that writes annotation changes and touches nothing else. */
export function annotationPatch(changes: Record<string, string | null>): string {
  const keys = Object.keys(changes);
  const phase = changes[LAST_PHASE_ANNOTATION];
  // The common write (a phase recorded, nothing else: every job of a first sweep) is one text per
  // phase, shared by every job waiting for its write, rather than one copy each.
  if (keys.length !== 1 || typeof phase !== 'string') return JSON.stringify({ metadata: { annotations: changes } });
  return phasePatches(phase, () => JSON.stringify({ metadata: { annotations: changes } }));
}

/** Volcano has ten phases; a CCI with odd ones still gets a bounded cache. */
const phasePatches = keptPerKey<string, string>(64);
