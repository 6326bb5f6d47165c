/** The pure sweep rules: when a job is stuck, what a phase transition is, and the annotation patch that records both. */
import { describe, expect, it } from 'vitest';
import { annotationPatch, LAST_PHASE_ANNOTATION, observeJob, STUCK_SINCE_ANNOTATION, stuckSince } from '../../../lib/sweep/rules';
import type { VolcanoJob } from '../../../lib/job/model';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const HOUR = 3_600_000;

function job(phase: string | undefined, opts: { ltt?: string; created?: string; annotations?: Record<string, string> } = {}): VolcanoJob {
  return {
    metadata: { name: 'j1', uid: 'u1', creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z', ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    status: phase === undefined ? {} : { state: { phase, ...(opts.ltt ? { lastTransitionTime: opts.ltt } : {}) } },
  };
}

describe('stuck rule', () => {
  it('Pending or Inqueue longer than stuckAfter, measured from lastTransitionTime', () => {
    expect(stuckSince(job('Pending', { ltt: '2026-01-01T10:00:00Z' }), NOW, HOUR)).toBe('2026-01-01T10:00:00Z');
    expect(stuckSince(job('Inqueue', { ltt: '2026-01-01T10:00:00Z' }), NOW, HOUR)).toBe('2026-01-01T10:00:00Z');
    expect(stuckSince(job('Pending', { ltt: '2026-01-01T11:30:00Z' }), NOW, HOUR)).toBeUndefined();
    // Exactly stuckAfter is not "longer than".
    expect(stuckSince(job('Pending', { ltt: '2026-01-01T11:00:00Z' }), NOW, HOUR)).toBeUndefined();
  });
  it('falls back to creationTimestamp', () => {
    expect(stuckSince(job('Pending', { created: '2026-01-01T09:00:00Z' }), NOW, HOUR)).toBe('2026-01-01T09:00:00Z');
    expect(stuckSince(job('Pending', { created: '2026-01-01T11:59:00Z' }), NOW, HOUR)).toBeUndefined();
  });
  it('other phases, no phase, or unreadable times are never stuck', () => {
    for (const p of ['Running', 'Completed', 'Failed', 'Aborted']) expect(stuckSince(job(p, { ltt: '2020-01-01T00:00:00Z' }), NOW, HOUR)).toBeUndefined();
    expect(stuckSince(job(undefined), NOW, HOUR)).toBeUndefined();
    expect(stuckSince(job('Pending', { ltt: 'yesterday' }), NOW, HOUR)).toBeUndefined();
  });
});

describe('transition rule and annotations', () => {
  it('a job seen for the first time is recorded, not reported', () => {
    const o = observeJob(job('Running'), 'ns', NOW, HOUR);
    expect(o.transition).toBeUndefined();
    expect(o.annotations).toEqual({ [LAST_PHASE_ANNOTATION]: 'Running' });
  });
  it('an unchanged job writes nothing', () => {
    const o = observeJob(job('Running', { annotations: { [LAST_PHASE_ANNOTATION]: 'Running' } }), 'ns', NOW, HOUR);
    expect(o).toEqual({ phase: 'Running', newlyStuck: false });
  });
  it('a changed phase is a transition and rewrites the annotation', () => {
    const o = observeJob(job('Failed', { annotations: { [LAST_PHASE_ANNOTATION]: 'Running' } }), 'ns', NOW, HOUR);
    expect(o.transition).toEqual({ namespace: 'ns', name: 'j1', from: 'Running', to: 'Failed' });
    expect(o.annotations).toEqual({ [LAST_PHASE_ANNOTATION]: 'Failed' });
  });
  it('a job without a phase is left alone', () => {
    expect(observeJob(job(undefined, { annotations: { [LAST_PHASE_ANNOTATION]: 'Running' } }), 'ns', NOW, HOUR)).toEqual({ phase: undefined, newlyStuck: false });
  });
  it('newly stuck once per episode; leaving the waiting phase clears the episode', () => {
    const ltt = '2026-01-01T09:00:00Z';
    const first = observeJob(job('Pending', { ltt }), 'ns', NOW, HOUR);
    expect(first.newlyStuck).toBe(true);
    expect(first.stuck).toEqual({ namespace: 'ns', name: 'j1', phase: 'Pending', since: ltt });
    expect(first.annotations).toEqual({ [LAST_PHASE_ANNOTATION]: 'Pending', [STUCK_SINCE_ANNOTATION]: ltt });

    const again = observeJob(job('Pending', { ltt, annotations: first.annotations as Record<string, string> }), 'ns', NOW, HOUR);
    expect(again).toEqual({ phase: 'Pending', newlyStuck: false, stuck: first.stuck });

    const moved = observeJob(job('Running', { ltt: '2026-01-01T11:59:00Z', annotations: first.annotations as Record<string, string> }), 'ns', NOW, HOUR);
    expect(moved.transition).toEqual({ namespace: 'ns', name: 'j1', from: 'Pending', to: 'Running' });
    expect(moved.annotations).toEqual({ [LAST_PHASE_ANNOTATION]: 'Running', [STUCK_SINCE_ANNOTATION]: null });

    // Back to Pending later, stuck again with a new since: a new episode.
    const episode2 = observeJob(
      job('Pending', { ltt: '2026-01-01T10:30:00Z', annotations: { [LAST_PHASE_ANNOTATION]: 'Pending', [STUCK_SINCE_ANNOTATION]: ltt } }),
      'ns',
      NOW,
      HOUR,
    );
    expect(episode2.newlyStuck).toBe(true);
    expect(episode2.annotations).toEqual({ [STUCK_SINCE_ANNOTATION]: '2026-01-01T10:30:00Z' });
  });
  it('the patch touches annotations only', () => {
    expect(JSON.parse(annotationPatch({ a: 'x', b: null }))).toEqual({ metadata: { annotations: { a: 'x', b: null } } });
  });
});

describe('annotationPatch texts', () => {
  it('a phase-only patch is one shared text per phase, identical to the patch built afresh', () => {
    const a = annotationPatch({ [LAST_PHASE_ANNOTATION]: 'Running' });
    const b = annotationPatch({ [LAST_PHASE_ANNOTATION]: 'Running' });
    expect(a).toBe(JSON.stringify({ metadata: { annotations: { [LAST_PHASE_ANNOTATION]: 'Running' } } }));
    expect(b).toBe(a);
    expect(annotationPatch({ [LAST_PHASE_ANNOTATION]: 'Pending' })).toBe(JSON.stringify({ metadata: { annotations: { [LAST_PHASE_ANNOTATION]: 'Pending' } } }));
    // Phases that are JavaScript built-in names are texts like any other.
    for (const phase of ['__proto__', 'constructor', 'toString']) {
      expect(JSON.parse(annotationPatch({ [LAST_PHASE_ANNOTATION]: phase }))).toEqual({ metadata: { annotations: { [LAST_PHASE_ANNOTATION]: phase } } });
    }
  });

  it('other changes are not shared, and 100 odd phases keep the cache bounded and right', () => {
    const both = { [LAST_PHASE_ANNOTATION]: 'Pending', [STUCK_SINCE_ANNOTATION]: '2026-01-01T00:00:00Z' };
    expect(JSON.parse(annotationPatch(both))).toEqual({ metadata: { annotations: both } });
    expect(JSON.parse(annotationPatch({ [STUCK_SINCE_ANNOTATION]: null }))).toEqual({ metadata: { annotations: { [STUCK_SINCE_ANNOTATION]: null } } });
    for (let i = 0; i < 100; i++) expect(JSON.parse(annotationPatch({ [LAST_PHASE_ANNOTATION]: `P${i}` })).metadata.annotations[LAST_PHASE_ANNOTATION]).toBe(`P${i}`);
    expect(JSON.parse(annotationPatch({ [LAST_PHASE_ANNOTATION]: 'P0' })).metadata.annotations[LAST_PHASE_ANNOTATION]).toBe('P0');
  });
});
