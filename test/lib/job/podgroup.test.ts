/** The PodGroup reading of lib/job/podgroup.ts: the shallow guard, the names to try, and what a stuck entry says. */
import { describe, expect, it } from 'vitest';
import { parsePodGroup, podGroupInsight, podGroupNames } from '../../../lib/job/podgroup';

describe('parsePodGroup and podGroupNames', () => {
  it('takes objects of kind PodGroup (or without kind), nothing else', () => {
    expect(parsePodGroup({ kind: 'PodGroup', status: {} })).toEqual({ kind: 'PodGroup', status: {} });
    expect(parsePodGroup({ status: {} })).toEqual({ status: {} });
    for (const v of [null, [], 'x', { kind: 'Status' }, { kind: 'Job' }]) expect(parsePodGroup(v)).toBeUndefined();
  });
  it('<job>-<uid> first, then the job name; the name alone without a uid', () => {
    expect(podGroupNames('j', 'u-1')).toEqual(['j-u-1', 'j']);
    expect(podGroupNames('j', undefined)).toEqual(['j']);
    expect(podGroupNames('j', '')).toEqual(['j']);
  });
});

describe('podGroupInsight', () => {
  it('phase alone when no Unschedulable condition; False conditions ignored; ties go to the later entry', () => {
    expect(podGroupInsight({ status: { phase: 'Running', conditions: [{ type: 'Scheduled', status: 'True' }] } })).toEqual({ phase: 'Running' });
    expect(podGroupInsight({ status: { conditions: [{ type: 'Unschedulable', status: 'False', reason: 'r', message: 'm' }] } })).toEqual({});
    expect(
      podGroupInsight({
        status: {
          conditions: [
            { type: 'Unschedulable', status: 'True', reason: 'first', lastTransitionTime: '2026-01-01T00:00:00Z' },
            { type: 'Unschedulable', status: 'True', reason: 'second', lastTransitionTime: '2026-01-01T00:00:00Z' },
          ],
        },
      }),
    ).toEqual({ reason: 'second' });
    expect(podGroupInsight({ status: { conditions: 'junk' as unknown as [] } })).toEqual({});
    expect(podGroupInsight({})).toEqual({});
  });
});
