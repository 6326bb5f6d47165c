/** The pure parts of the sweep: durations, the stuck rule, the transition rule, EMF lines, config and trigger parsing. */
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../lib/core/duration';
import { emfRecord, KNOWN_PHASES } from '../../../lib/sweep/metrics';
import { annotationPatch, LAST_PHASE_ANNOTATION, observeJob, STUCK_SINCE_ANNOTATION, stuckSince } from '../../../lib/sweep/rules';
import { sweepConfigFrom, DEFAULT_STUCK_AFTER_MS } from '../../../lib/sweep/config';
import { parseSweepTrigger } from '../../../lib/platform/timer-event';
import { eventMessages } from '../../../lib/sweep/events';
import type { VolcanoJob } from '../../../lib/job/model';
import { AppError } from '../../../lib/core/errors';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const HOUR = 3_600_000;

function job(phase: string | undefined, opts: { ltt?: string; created?: string; annotations?: Record<string, string> } = {}): VolcanoJob {
  return {
    metadata: { name: 'j1', uid: 'u1', creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z', ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    status: phase === undefined ? {} : { state: { phase, ...(opts.ltt ? { lastTransitionTime: opts.ltt } : {}) } },
  };
}

describe('parseDuration', () => {
  it.each([
    ['3600', 3_600_000],
    ['90', 90_000],
    ['1.5', 1_500],
    ['0', 0],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['45s', 45_000],
    ['250ms', 250],
    [' 2H ', 7_200_000],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'abc', '-5', '5x', 'h', '1h 30m', '1e3', 'm30'])('%j is refused', (text) => expect(parseDuration(text)).toBeUndefined());
});

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

describe('EMF line', () => {
  it('has the CloudWatch directive, the Namespace dimension and every value at top level', () => {
    const rec = emfRecord({ namespace: 'ns-a', jobs: 10, stuck: 2, transitions: 1, phases: { Running: 7, Pending: 3, Weird: 0 } }, NOW) as any;
    expect(rec._aws.Timestamp).toBe(NOW);
    expect(rec._aws.CloudWatchMetrics).toHaveLength(1);
    const d = rec._aws.CloudWatchMetrics[0];
    expect(d.Namespace).toBe('VolcanoJobs');
    expect(d.Dimensions).toEqual([['Namespace'], []]);
    const names = d.Metrics.map((m: { Name: string }) => m.Name);
    expect(names).toEqual(expect.arrayContaining(['Jobs', 'Stuck', 'Transitions', 'Phase.Running', 'Phase.Pending', 'Phase.Failed', 'Phase.Weird']));
    expect(names).toHaveLength(3 + 2 * KNOWN_PHASES.length + 1);
    for (const n of names) expect(typeof rec[n]).toBe('number');
    expect(rec).toMatchObject({ Namespace: 'ns-a', Jobs: 10, Stuck: 2, 'Phase.Running': 7, 'Phase.Pending': 3, 'Phase.Failed': 0 });
  });

  it('counts transitions by the phase they went to, every known phase written (0 included)', () => {
    const rec = emfRecord(
      { namespace: 'ns-a', jobs: 10, stuck: 0, transitions: 3, phases: { Running: 7 }, transitionsTo: { Failed: 2, Aborted: 1 } },
      NOW,
    ) as any;
    expect(rec).toMatchObject({ Transitions: 3, 'Transitions.Failed': 2, 'Transitions.Aborted': 1, 'Transitions.Running': 0, 'Transitions.Completed': 0 });
    const names = rec._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name);
    for (const phase of KNOWN_PHASES) expect(names).toContain(`Transitions.${phase}`);
  });
});

describe('sweep configuration', () => {
  const env = (vars: Record<string, string>) => (k: string) => vars[k];
  it('reads SWEEP_* with defaults', () => {
    expect(sweepConfigFrom(env({ SWEEP_NAMESPACES: 'a, b,a' }))).toEqual({
      namespaces: ['a', 'b'],
      labelSelector: undefined,
      stuckAfterMs: DEFAULT_STUCK_AFTER_MS,
      pageSize: 250,
      concurrency: 4,
      eventsQueueUrl: undefined,
    });
    expect(sweepConfigFrom(env({ SWEEP_NAMESPACES: 'a', SWEEP_STUCK_AFTER: '30m', SWEEP_PAGE_SIZE: '50', SWEEP_LABEL_SELECTOR: 'app=x' }))).toMatchObject({
      stuckAfterMs: 1_800_000,
      pageSize: 50,
      labelSelector: 'app=x',
    });
  });
  it('reads the notification topics', () => {
    expect(
      sweepConfigFrom(
        env({
          SWEEP_NAMESPACES: 'a',
          SWEEP_EVENTS_TOPIC_ARN: ' arn:aws:sns:eu-west-1:123456789012:sweep-events.fifo ',
          SWEEP_EVENTS_SMN_TOPIC_URN: 'urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:sweep',
          SMN_ENDPOINT: 'https://smn.example.com',
        }),
      ),
    ).toMatchObject({
      eventsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:sweep-events.fifo',
      eventsSmnTopicUrn: 'urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:sweep',
      smnEndpoint: 'https://smn.example.com',
    });
  });
  it('the override wins over the variables', () => {
    expect(sweepConfigFrom(env({ SWEEP_NAMESPACES: 'a', SWEEP_LABEL_SELECTOR: 'app=x' }), { namespaces: ['b'], labelSelector: '' })).toMatchObject({
      namespaces: ['b'],
      labelSelector: undefined,
    });
  });
  it.each([
    [{}, /SWEEP_NAMESPACES is not set/],
    [{ SWEEP_NAMESPACES: 'Bad_NS' }, /not namespaces/],
    [{ SWEEP_NAMESPACES: '*' }, /not namespaces/],
    [{ SWEEP_NAMESPACES: 'a', SWEEP_STUCK_AFTER: 'soon' }, /SWEEP_STUCK_AFTER/],
    [{ SWEEP_NAMESPACES: 'a', SWEEP_PAGE_SIZE: '0' }, /SWEEP_PAGE_SIZE/],
    [{ SWEEP_NAMESPACES: 'a', SWEEP_EVENTS_TOPIC_ARN: 'sweep-events' }, /SWEEP_EVENTS_TOPIC_ARN must be an SNS topic ARN/],
    [{ SWEEP_NAMESPACES: 'a', SWEEP_EVENTS_TOPIC_ARN: 'arn:aws:sqs:eu-west-1:123456789012:q' }, /SWEEP_EVENTS_TOPIC_ARN/],
  ])('configuration error for %j', (vars, message) => {
    expect(() => sweepConfigFrom(env(vars as Record<string, string>))).toThrow(message);
  });
});

describe('sweep trigger', () => {
  it('EventBridge scheduled event, empty invoke: no override', () => {
    expect(parseSweepTrigger({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} })).toEqual({ kind: 'schedule', override: {} });
    expect(parseSweepTrigger(undefined)).toEqual({ kind: 'direct', override: {} });
    expect(parseSweepTrigger({})).toEqual({ kind: 'direct', override: {} });
    expect(parseSweepTrigger('')).toEqual({ kind: 'direct', override: {} });
  });
  it('TIMER with a JSON user_event overrides; other text is ignored', () => {
    const timer = (user_event: string) => ({ version: 'v1.0', time: 't', trigger_type: 'TIMER', trigger_name: 'x', user_event });
    expect(parseSweepTrigger(timer('{"namespaces":["a","b"],"labelSelector":"app=x"}'))).toEqual({
      kind: 'timer',
      override: { namespaces: ['a', 'b'], labelSelector: 'app=x' },
    });
    expect(parseSweepTrigger(timer('{"other":1}'))).toEqual({ kind: 'timer', override: {} });
    expect(parseSweepTrigger(timer('nightly'))).toMatchObject({ kind: 'timer', override: {}, ignoredUserEvent: 'nightly' });
    expect(parseSweepTrigger(timer('[1,2]'))).toMatchObject({ kind: 'timer', override: {} });
    expect(parseSweepTrigger(timer(''))).toEqual({ kind: 'timer', override: {} });
  });
  it.each([
    ['{"namespaces":"a"}', '/user_event/namespaces'],
    ['{"namespaces":[]}', '/user_event/namespaces'],
    ['{"namespaces":["ok","Not_OK"]}', '/user_event/namespaces/1'],
    ['{"labelSelector":5}', '/user_event/labelSelector'],
  ])('an invalid override %s fails fast', (userEvent, path) => {
    let err: unknown;
    try {
      parseSweepTrigger({ trigger_type: 'TIMER', user_event: userEvent });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid-sweep-override');
    expect((err as AppError).errors?.map((e) => e.path)).toContain(path);
  });
});

describe('event messages', () => {
  const ev = { type: 'transition' as const, namespace: 'ns', name: 'j', uid: 'u', from: 'Pending', to: 'Running', at: '2026-01-01T00:00:00Z' };
  it('standard queue: JSON body, no group', () => {
    const [m] = eventMessages('https://sqs.eu-west-1.amazonaws.com/1/q', [ev]);
    expect(JSON.parse(m!.body)).toEqual(ev);
    expect(m!.groupId).toBeUndefined();
  });
  it('FIFO queue: grouped by job, deduplicated by event', () => {
    const [a, b] = eventMessages('https://sqs.eu-west-1.amazonaws.com/1/q.fifo', [ev, { ...ev, to: 'Failed' }]);
    expect(a!.groupId).toBe('ns/j');
    expect(a!.deduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(a!.deduplicationId).not.toBe(b!.deduplicationId);
  });
});
