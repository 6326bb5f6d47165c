/**
 * Why a stuck job waits: runSweep adds the job's state reason/message and its PodGroup's latest
 * Unschedulable condition to stuck entries and stuck events; PodGroups read only for stuck jobs,
 * once per job per sweep (410 restarts included), under `<job>-<uid>` then the job's name, with 403 /
 * 404 / failures leaving `podGroup` out and the sweep untouched.
 */
import { describe, expect, it } from 'vitest';
import { Deadline } from '../../../lib/core/deadline';
import { AppError } from '../../../lib/core/errors';
import { createLogger } from '../../../lib/core/log';
import type { VolcanoJob, VolcanoJobList } from '../../../lib/job/model';
import { podGroupInsight, type PodGroup } from '../../../lib/job/podgroup';
import { eventBody } from '../../../lib/sweep/events';
import { POD_GROUP_READ_MS, runSweep, type SweepClient, type SweepEvent, type SweepOptions } from '../../../lib/sweep/run';

const NOW = new Date('2026-01-01T12:00:00Z');
const OLD = '2026-01-01T08:00:00Z';
const silent = { ...createLogger(), info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, child: () => silent };

function mk(name: string, phase: string, state: Record<string, string> = {}): VolcanoJob {
  return { metadata: { name, uid: `uid-${name}`, creationTimestamp: OLD }, status: { state: { phase, lastTransitionTime: OLD, ...state } } };
}

const gang = (message: string, at = '2026-01-01T09:00:00Z'): PodGroup => ({
  kind: 'PodGroup',
  status: {
    phase: 'Inqueue',
    conditions: [
      { type: 'Scheduled', status: 'True', reason: 'tasks in gang are ready to be scheduled', lastTransitionTime: '2026-01-01T11:00:00Z' },
      { type: 'Unschedulable', status: 'True', reason: 'NotEnoughResources', message: 'old message', lastTransitionTime: '2026-01-01T08:30:00Z' },
      { type: 'Unschedulable', status: 'True', reason: 'NotEnoughResources', message, lastTransitionTime: at },
    ],
  },
});

class Client implements SweepClient {
  podGroupReads: string[] = [];
  deadlines: number[] = [];
  constructor(
    private pages: VolcanoJob[][],
    private podGroups: Record<string, PodGroup | AppError>,
    private onList: (cont: string | undefined) => void = () => {},
  ) {}
  async listJobs(_ns: string, o: { continue?: string }): Promise<VolcanoJobList> {
    this.onList(o.continue);
    const i = o.continue ? Number(o.continue) : 0;
    return { items: this.pages[i]!, metadata: { continue: i + 1 < this.pages.length ? String(i + 1) : '' } };
  }
  async patchJob(): Promise<VolcanoJob> {
    return mk('x', 'Running');
  }
  async getPodGroup(_ns: string, name: string, deadline: Deadline): Promise<PodGroup> {
    this.podGroupReads.push(name);
    this.deadlines.push(deadline.remaining());
    const pg = this.podGroups[name];
    if (pg instanceof AppError) throw pg;
    if (!pg) throw new AppError(404, 'job-not-found', `podgroups "${name}" not found`);
    return pg;
  }
}

function opts(client: SweepClient, over: Partial<SweepOptions> = {}): SweepOptions {
  return { client, namespaces: ['ns'], stuckAfterMs: 3_600_000, now: NOW, deadline: Deadline.after(20_000), log: silent, pageSize: 2, concurrency: 1, metrics: () => {}, ...over };
}

const forbidden = () => new AppError(502, 'cci-forbidden', 'CCI refused our credentials access: 403');

describe('stuck entries say why', () => {
  it('reason and message from status.state; podGroup from <job>-<uid>, latest Unschedulable condition; events carry them', async () => {
    const client = new Client([[mk('a', 'Inqueue', { reason: 'Inqueue', message: 'waiting for queue' }), mk('b', 'Running')]], {
      'a-uid-a': gang('3/3 tasks in gang unschedulable: pod group is not ready, 3 Pending, 3 minAvailable'),
    });
    const events: SweepEvent[] = [];
    const r = await runSweep(opts(client, { emit: async (e) => (events.push(...e), { sent: e.length, failed: [] }) }));
    const podGroup = { phase: 'Inqueue', reason: 'NotEnoughResources', message: '3/3 tasks in gang unschedulable: pod group is not ready, 3 Pending, 3 minAvailable' };
    expect(r.stuck).toEqual([{ namespace: 'ns', name: 'a', phase: 'Inqueue', since: OLD, reason: 'Inqueue', message: 'waiting for queue', podGroup }]);
    // Only the stuck job's PodGroup was read, with a bound of its own.
    expect(client.podGroupReads).toEqual(['a-uid-a']);
    expect(client.deadlines[0]).toBeLessThanOrEqual(POD_GROUP_READ_MS);
    const stuck = events.find((e) => e.type === 'stuck')!;
    expect(JSON.parse(eventBody(stuck))).toMatchObject({ type: 'stuck', name: 'a', reason: 'Inqueue', message: 'waiting for queue', podGroup });
    expect(r.failures).toBeUndefined();
  });

  it("falls back to the job's own name (Volcano before 1.6); 404 under both leaves podGroup out", async () => {
    const client = new Client([[mk('a', 'Pending'), mk('b', 'Pending')]], { a: gang('legacy name') });
    const r = await runSweep(opts(client));
    expect(r.stuck.find((s) => s.name === 'a')!.podGroup).toMatchObject({ message: 'legacy name' });
    expect(r.stuck.find((s) => s.name === 'b')).toEqual({ namespace: 'ns', name: 'b', phase: 'Pending', since: OLD });
    expect(client.podGroupReads.sort()).toEqual(['a', 'a-uid-a', 'b', 'b-uid-b']);
    expect(r.complete).toBe(true);
  });

  it('403 (CCI does not serve PodGroups): left out, no further reads in the namespace, not a failure', async () => {
    const client = new Client([[mk('a', 'Pending'), mk('b', 'Pending')], [mk('c', 'Pending')]], { 'a-uid-a': forbidden(), 'b-uid-b': forbidden() });
    const r = await runSweep(opts(client, { podGroupConcurrency: 1 }));
    expect(r.stuck.map((s) => s.podGroup)).toEqual([undefined, undefined, undefined]);
    expect(client.podGroupReads).toEqual(['a-uid-a']);
    expect(r.failures).toBeUndefined();
    expect(r.complete).toBe(true);
  });

  it('other failures are left out and logged; the sweep goes on', async () => {
    const client = new Client([[mk('a', 'Pending'), mk('b', 'Pending')]], { 'a-uid-a': new AppError(504, 'cci-timeout', 'no answer'), 'b-uid-b': gang('fine') });
    const r = await runSweep(opts(client));
    expect(r.stuck.map((s) => s.podGroup?.message)).toEqual([undefined, 'fine']);
    expect(r.failures).toBeUndefined();
  });

  it('once per job per sweep, even when a 410 restarts the listing', async () => {
    let expired = false;
    const client = new Client([[mk('a', 'Pending'), mk('b', 'Running')], [mk('c', 'Pending')]], { 'a-uid-a': gang('x'), 'c-uid-c': gang('y') }, (cont) => {
      if (cont === '1' && !expired) {
        expired = true;
        throw new AppError(410, 'continue-expired', 'too old');
      }
    });
    const r = await runSweep(opts(client));
    expect(r.coverage[0]!.restarts).toBe(1);
    expect(client.podGroupReads.sort()).toEqual(['a-uid-a', 'c-uid-c']);
    expect(r.stuck.map((s) => s.podGroup?.message)).toEqual(['x', 'y']);
  });

  it('at most maxPodGroupReads jobs per sweep; none without getPodGroup', async () => {
    const jobs = [mk('a', 'Pending'), mk('b', 'Pending')];
    const client = new Client([jobs, [mk('c', 'Pending')]], { 'a-uid-a': gang('1'), 'b-uid-b': gang('2'), 'c-uid-c': gang('3') });
    const r = await runSweep(opts(client, { maxPodGroupReads: 2 }));
    expect(r.stuck.map((s) => s.podGroup?.message)).toEqual(['1', '2', undefined]);
    const bare: SweepClient = { listJobs: client.listJobs.bind(client), patchJob: client.patchJob.bind(client) };
    const r2 = await runSweep(opts(bare));
    expect(r2.stuck.every((s) => s.podGroup === undefined)).toBe(true);
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
