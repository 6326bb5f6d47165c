/** The Job guards that check every CCI answer, and the summary. */
import { describe, expect, it } from 'vitest';
import { SEED_JOB_OPENMPI_HELLO_3 } from '../../../emulator';
import { jobPhase, parseJob, parseJobList, summarizeJob, type VolcanoJob } from '../../../lib/job/model';

const job = (patch: Record<string, unknown> = {}): Record<string, unknown> => ({ apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: { name: 'j' }, ...patch });

describe('parseJob', () => {
  it('takes a Job as CCI returns it, unknown fields kept', () => {
    const seed = structuredClone(SEED_JOB_OPENMPI_HELLO_3);
    expect(parseJob(seed)).toBe(seed);
    expect(parseJob({ metadata: { name: 'j' } })).toBeDefined();
    expect(parseJob(job({ extra: { deep: 1 }, status: { state: { phase: 'Running', reason: 'x' } } }))?.extra).toEqual({ deep: 1 });
  });
  it.each([
    ['null', null],
    ['an array', [job()]],
    ['a Status', { kind: 'Status', apiVersion: 'v1', metadata: { name: 'x' }, code: 404 }],
    ['a JobList', { kind: 'JobList', items: [], metadata: { name: 'x' } }],
    ['no metadata', { kind: 'Job' }],
    ['a name that is not a string', job({ metadata: { name: 1 } })],
    ['a numeric resourceVersion', job({ metadata: { name: 'j', resourceVersion: 5 } })],
    ['labels that are not strings', job({ metadata: { name: 'j', labels: { a: 1 } } })],
    ['annotations as an array', job({ metadata: { name: 'j', annotations: ['a'] } })],
    ['spec as a string', job({ spec: 'x' })],
    ['minAvailable as a string', job({ spec: { minAvailable: '1' } })],
    ['tasks as an object', job({ spec: { tasks: {} } })],
    ['a task without a name', job({ spec: { tasks: [{ replicas: 1 }] } })],
    ['replicas as a string', job({ spec: { tasks: [{ name: 't', replicas: '2' }] } })],
    ['status as an array', job({ status: [] })],
    ['a numeric phase', job({ status: { state: { phase: 3 } } })],
  ])('refuses %s', (_what, value) => expect(parseJob(value)).toBeUndefined());
});

describe('parseJobList', () => {
  it('items must all be Jobs; metadata.continue a string', () => {
    expect(parseJobList({ items: [job()], metadata: { continue: 'c' } })?.items).toHaveLength(1);
    expect(parseJobList({ items: [] })).toBeDefined();
    expect(parseJobList({ items: [job(), { kind: 'Status' }] })).toBeUndefined();
    expect(parseJobList({ items: {} })).toBeUndefined();
    expect(parseJobList({ items: [], metadata: { continue: 1 } })).toBeUndefined();
    expect(parseJobList({ items: [], metadata: 'x' })).toBeUndefined();
    expect(parseJobList(job())).toBeUndefined();
  });
});

describe('summarizeJob', () => {
  it('summarises the seed job', () => {
    const s = summarizeJob(SEED_JOB_OPENMPI_HELLO_3 as unknown as VolcanoJob);
    expect(s).toMatchObject({ name: 'openmpi-hello-3-com', phase: 'Inqueue', minAvailable: 1, pending: 3, queue: 'default' });
    expect(s.tasks).toEqual([{ name: 'mpimaster', replicas: 1 }, { name: 'mpiworker', replicas: 2 }]);
  });
  it('zeros and empties for what is missing; `Succeeded` of older Volcano counts', () => {
    expect(summarizeJob({ metadata: { name: 'j' } })).toEqual({
      namespace: undefined, name: 'j', uid: undefined, resourceVersion: undefined, phase: undefined, minAvailable: undefined,
      pending: 0, running: 0, succeeded: 0, failed: 0, tasks: [], labels: {}, queue: undefined,
    });
    expect(summarizeJob({ metadata: { name: 'j' }, status: { Succeeded: 4 } }).succeeded).toBe(4);
    expect(summarizeJob({ metadata: { name: 'j' }, status: { Succeeded: 4, succeeded: 2 } }).succeeded).toBe(2);
    expect(summarizeJob({ metadata: { name: 'j' }, spec: { tasks: [{ name: 't' }] } }).tasks).toEqual([{ name: 't', replicas: 0 }]);
  });
  it('jobPhase reads status.state.phase', () => {
    expect(jobPhase({ metadata: { name: 'j' }, status: { state: { phase: 'Running' } } })).toBe('Running');
    expect(jobPhase({ metadata: { name: 'j' } })).toBeUndefined();
  });
});
