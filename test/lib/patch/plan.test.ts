/** From a PATCH body to the merge patch: already-applied checks, replica and minAvailable planning (label rules: raw.test.ts). */
import { describe, expect, it } from 'vitest';
import { metadataAlreadyApplied, planSpecChange } from '../../../lib/patch/plan';
import { tasksOf, type VolcanoJob } from '../../../lib/job/model';
import { caught } from '../../support/errors';

const job = (tasks: Array<{ name: string; replicas: number; minAvailable?: number }>, minAvailable = 1): VolcanoJob => ({
  metadata: { name: 'j', resourceVersion: '5', labels: { keep: 'yes' } },
  spec: { minAvailable, tasks: tasks.map((t) => ({ ...t, template: { spec: { containers: [{ name: t.name }] } } })) },
});


describe('metadata already applied', () => {
  it('knows when labels are already applied', () => {
    const j = job([{ name: 'w', replicas: 1 }]);
    expect(metadataAlreadyApplied(j, { labels: { keep: 'yes', gone: null } })).toBe(true);
    expect(metadataAlreadyApplied(j, { labels: { keep: null } })).toBe(false);
  });
});

describe('replica planning', () => {
  it('changes only the named task and keeps templates', () => {
    const j = job([{ name: 'master', replicas: 1 }, { name: 'worker', replicas: 2 }]);
    const plan = planSpecChange(j, { replicas: { worker: 4 } });
    const tasks = plan.spec!.tasks as Array<{ name: string; replicas: number; template: unknown }>;
    expect(tasks.map((t) => [t.name, t.replicas])).toEqual([['master', 1], ['worker', 4]]);
    expect(tasks[1]!.template).toEqual(tasksOf(j)[1]!.template);
    expect(plan.spec!.minAvailable).toBeUndefined();
  });

  it('lists the known tasks for an unknown one (422)', () => {
    const e = caught(() => planSpecChange(job([{ name: 'a', replicas: 1 }, { name: 'b', replicas: 1 }]), { replicas: { zz: 1 } }));
    expect(e.status).toBe(422);
    expect(e.message).toContain('"a", "b"');
  });

  it('refuses a total below spec.minAvailable unless the body lowers it', () => {
    const j = job([{ name: 'w', replicas: 4, minAvailable: 4 }], 4);
    expect(caught(() => planSpecChange(j, { replicas: { w: 2 } })).status).toBe(422);
    const plan = planSpecChange(j, { replicas: { w: 2 }, minAvailable: 2 });
    expect(plan.spec).toEqual({ tasks: [expect.objectContaining({ name: 'w', replicas: 2, minAvailable: 2 })], minAvailable: 2 });
    expect(caught(() => planSpecChange(j, { minAvailable: 5 })).status).toBe(422);
  });

  it('lowers a task minAvailable with its replicas, leaves it alone when scaling up', () => {
    const j = job([{ name: 'w', replicas: 3, minAvailable: 3 }], 0);
    expect((planSpecChange(j, { replicas: { w: 1 } }).spec!.tasks as Array<{ minAvailable: number }>)[0]!.minAvailable).toBe(1);
    expect((planSpecChange(j, { replicas: { w: 5 } }).spec!.tasks as Array<{ minAvailable: number }>)[0]!.minAvailable).toBe(3);
  });

  it('plans nothing when the job already has the wanted counts', () => {
    expect(planSpecChange(job([{ name: 'w', replicas: 3 }]), { replicas: { w: 3 }, minAvailable: 1 })).toEqual({});
  });
});

describe('odd values CCI holds', () => {
  it('a task with string replicas neither crashes the plan nor is "fixed": it goes back as read', () => {
    const j: VolcanoJob = { metadata: { name: 'j' }, spec: { minAvailable: 1, tasks: [{ name: 'a', replicas: '3' }, { name: 'b', replicas: 1 }, 'junk'] } };
    const plan = planSpecChange(j, { replicas: { b: 2 } });
    expect(plan.spec!.tasks).toEqual([{ name: 'a', replicas: '3' }, { name: 'b', replicas: 2 }, 'junk']);
    // Only counts add up: "3" is not 3 replicas, so a minAvailable of 3 is more than 2.
    expect(caught(() => planSpecChange(j, { replicas: { b: 2 }, minAvailable: 3 })).code).toBe('below-min-available');
  });

  it('task names that are Object.prototype members are names like any other', () => {
    const j = job([{ name: 'mpimaster', replicas: 1 }, { name: 'constructor', replicas: 2 }]);
    expect(planSpecChange(j, { minAvailable: 1 })).toEqual({});
    expect(caught(() => planSpecChange(j, { replicas: { toString: 1 } })).code).toBe('unknown-task');
    const tasks = planSpecChange(j, { replicas: { constructor: 3 } }).spec!.tasks as Array<{ name: string; replicas: number }>;
    expect(tasks.map((t) => [t.name, t.replicas])).toEqual([['mpimaster', 1], ['constructor', 3]]);
    expect(metadataAlreadyApplied(j, { labels: { toString: null, hasOwnProperty: null } })).toBe(true);
  });
});
