/** runSweep against a scripted client: paging, 410 restarts, folding, annotation writes, failures, deadline, events, and why stuck jobs wait (PodGroups). */
import { describe, expect, it } from 'vitest';
import { Deadline } from '../../../lib/core/deadline';
import { AppError } from '../../../lib/core/errors';
import { silentLogger } from '../../support/log';
import { nextPageLimit, POD_GROUP_READ_MS, runSweep, type SweepClient, type SweepEvent, type SweepOptions } from '../../../lib/sweep/run';
import { eventBody } from '../../../lib/sweep/events';
import type { PodGroup } from '../../../lib/job/podgroup';
import { LAST_PHASE_ANNOTATION, STUCK_SINCE_ANNOTATION } from '../../../lib/sweep/rules';
import { jobPhase, type VolcanoJob, type VolcanoJobList } from '../../../lib/job/model';

const NOW = new Date('2026-01-01T12:00:00Z');
const OLD = '2026-01-01T08:00:00Z';
const RECENT = '2026-01-01T11:59:00Z';
const silent = silentLogger();

const JOB = { apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job' } as const;

function mk(name: string, phase: string | undefined, ltt = RECENT, annotations?: Record<string, string>): VolcanoJob {
  return {
    ...JOB,
    metadata: { name, uid: `uid-${name}`, creationTimestamp: OLD, ...(annotations ? { annotations } : {}) },
    status: phase ? { state: { phase, lastTransitionTime: ltt } } : {},
  };
}

/** A list answer as CciClient.readJobList hands it over: its JSON's bytes to `read`, and a 502 for undefined. */
function serve<T>(list: VolcanoJobList, read: (body: Buffer) => T | undefined): T {
  const value = read(Buffer.from(JSON.stringify(list)));
  if (value === undefined) throw new AppError(502, 'cci-bad-answer', 'CCI answered for jobs with something that is not a JobList', { retryable: false });
  return value;
}

/** Serves fixed pages per namespace; tokens are page indexes. Records every call. */
class FakeClient implements SweepClient {
  lists: Array<{ ns: string; continue?: string | undefined; limit?: number | undefined }> = [];
  patches: Array<{ ns: string; name: string; patch: unknown }> = [];
  constructor(
    private pages: Record<string, VolcanoJob[][]>,
    private hooks: { onList?: (ns: string, cont: string | undefined, call: number) => void; onPatch?: (ns: string, name: string) => void } = {},
  ) {}
  async listJobs(ns: string, opts: { continue?: string; limit?: number }): Promise<VolcanoJobList> {
    this.lists.push({ ns, continue: opts.continue, limit: opts.limit });
    this.hooks.onList?.(ns, opts.continue, this.lists.filter((l) => l.ns === ns).length);
    const pages = this.pages[ns];
    if (!pages) throw new AppError(404, 'job-not-found', `no namespace ${ns}`, { retryable: false });
    const i = opts.continue ? Number(opts.continue) : 0;
    const next = i + 1 < pages.length ? String(i + 1) : '';
    return { items: pages[i]!, metadata: { continue: next } };
  }
  async readJobList<T>(ns: string, o: { continue?: string; limit?: number }, _d: Deadline, read: (body: Buffer) => T | undefined): Promise<T> {
    return serve(await this.listJobs(ns, o), read);
  }
  async patchJob(ns: string, name: string, _ct: string, patch: string): Promise<VolcanoJob> {
    this.hooks.onPatch?.(ns, name);
    this.patches.push({ ns, name, patch: JSON.parse(patch) });
    return mk(name, 'Running');
  }
}

function opts(client: SweepClient, over: Partial<SweepOptions> = {}): SweepOptions {
  return {
    client,
    namespaces: ['a'],
    stuckAfterMs: 3_600_000,
    now: NOW,
    deadline: Deadline.after(10_000),
    log: silent,
    pageSize: 2,
    concurrency: 2,
    metrics: () => {},
    ...over,
  };
}

describe('runSweep', () => {
  it('follows continue tokens only: short pages with a token go on, a full page without one ends', async () => {
    const client = new FakeClient({
      a: [[mk('a1', 'Running')], [], [mk('a2', 'Pending', OLD), mk('a3', 'Inqueue', OLD)]],
      b: [[mk('b1', 'Running'), mk('b2', undefined)]],
    });
    const r = await runSweep(opts(client, { namespaces: ['a', 'b'] }));
    expect(client.lists.map((l) => `${l.ns}:${l.continue ?? ''}`).sort()).toEqual(['a:', 'a:1', 'a:2', 'b:']);
    expect(client.lists.every((l) => l.limit === 2)).toBe(true);
    expect(r).toMatchObject({ namespaces: ['a', 'b'], jobs: 5, phases: { Running: 2, Pending: 1, Inqueue: 1, Unknown: 1 }, complete: true, transitions: [] });
    expect(r.stuck).toEqual([
      { namespace: 'a', name: 'a2', phase: 'Pending', since: OLD },
      { namespace: 'a', name: 'a3', phase: 'Inqueue', since: OLD },
    ]);
    // First sight: every job with a phase recorded, the phase-less one untouched.
    expect(client.patches.map((p) => p.name).sort()).toEqual(['a1', 'a2', 'a3', 'b1']);
    expect(client.patches.find((p) => p.name === 'a2')!.patch).toEqual({
      metadata: { annotations: { [LAST_PHASE_ANNOTATION]: 'Pending', [STUCK_SINCE_ANNOTATION]: OLD } },
    });
    expect(r.annotations).toEqual({ written: 4, failed: 0, skipped: 0 });
  });

  it('tells the heap guard after every write it made and after every page, once that page\'s writes are done', async () => {
    const events: string[] = [];
    const client = new FakeClient(
      { a: [[mk('a1', 'Running'), mk('a2', 'Running'), mk('a4', 'Running')], [mk('a3', 'Running')]] },
      {
        onList: (ns, cont) => void events.push(`list ${ns}:${cont ?? ''}`),
        onPatch: (_ns, name) => {
          events.push(`patch ${name}`);
          // A write that fails is not one the sweep made.
          if (name === 'a4') throw new AppError(503, 'cci-unavailable', 'down');
        },
      },
    );
    await runSweep(opts(client, { patchConcurrency: 1, heap: { afterPage: () => void events.push('page done'), afterWrite: () => void events.push('write done') } }));
    expect(events).toEqual(['list a:', 'patch a1', 'write done', 'patch a2', 'write done', 'patch a4', 'page done', 'list a:1', 'patch a3', 'write done', 'page done']);
  });

  it('410 Expired restarts the namespace without double counting or losing transitions', async () => {
    const seen = { [LAST_PHASE_ANNOTATION]: 'Pending' };
    let expired = false;
    const pages = {
      a: [
        [mk('a1', 'Running', RECENT, seen), mk('a2', 'Running', RECENT, { [LAST_PHASE_ANNOTATION]: 'Running' })],
        [mk('a3', 'Failed', RECENT, seen), mk('a4', 'Pending', RECENT, seen)],
        [mk('a5', 'Completed', RECENT, seen)],
      ],
    };
    const client: FakeClient = new FakeClient(pages, {
      onList: (_ns, cont) => {
        if (cont === '2' && !expired) {
          expired = true;
          throw new AppError(410, 'continue-expired', 'too old');
        }
      },
      // The annotation writes are real: the relisting sees them.
      onPatch: (_ns, name) => {
        for (const page of pages.a) for (const j of page) if (j.metadata.name === name) j.metadata.annotations = { [LAST_PHASE_ANNOTATION]: jobPhase(j)! };
      },
    });
    const events: SweepEvent[] = [];
    const r = await runSweep(opts(client, { emit: async (e) => (events.push(...e), { sent: e.length, failed: [] }) }));
    expect(r.jobs).toBe(5);
    expect(r.phases).toEqual({ Running: 2, Failed: 1, Pending: 1, Completed: 1 });
    expect(r.coverage).toEqual([{ namespace: 'a', status: 'complete', jobs: 5, pages: 3, restarts: 1 }]);
    expect(r.transitions).toEqual([
      { namespace: 'a', name: 'a1', from: 'Pending', to: 'Running' },
      { namespace: 'a', name: 'a3', from: 'Pending', to: 'Failed' },
      { namespace: 'a', name: 'a5', from: 'Pending', to: 'Completed' },
    ]);
    expect(events.map((e) => `${e.type}:${e.name}`).sort()).toEqual(['transition:a1', 'transition:a3', 'transition:a5']);
    expect(r.events).toEqual({ sent: 3, failed: [] });
  });

  it('gives up after a bounded number of restarts and reports the namespace', async () => {
    const client = new FakeClient({ a: [[mk('a1', 'Running')], [mk('a2', 'Running')]] }, {
      onList: (_ns, cont) => {
        if (cont) throw new AppError(410, 'continue-expired', 'too old');
      },
    });
    const r = await runSweep(opts(client, { maxRestarts: 2 }));
    expect(r.failures).toEqual([{ namespace: 'a', reason: 'too old', status: 410, code: 'continue-expired' }]);
    expect(r.coverage[0]).toMatchObject({ status: 'failed', restarts: 2 });
    expect(r.complete).toBe(true);
  });

  it('a failing namespace does not stop the others; annotation write failures do not fail the sweep', async () => {
    const client = new FakeClient({ a: [[mk('a1', 'Running'), mk('a2', 'Running')]] });
    client.patchJob = async (_ns, name) => {
      if (name === 'a1') throw new AppError(404, 'job-not-found', 'gone');
      throw new AppError(503, 'cci-unavailable', 'down');
    };
    const r = await runSweep(opts(client, { namespaces: ['missing', 'a'] }));
    expect(r.jobs).toBe(2);
    expect(r.failures).toEqual([{ namespace: 'missing', reason: 'no namespace missing', status: 404, code: 'job-not-found' }]);
    expect(r.annotations).toEqual({ written: 0, failed: 1, skipped: 0 });
    expect(r.complete).toBe(true);
  });

  it('a repeated continue token is a bad answer, not an endless loop', async () => {
    const client: SweepClient = {
      readJobList: async (_ns, _o, _d, read) => serve({ items: [], metadata: { continue: 'same' } }, read),
      patchJob: async () => mk('x', 'Running'),
    };
    const r = await runSweep(opts(client));
    expect(r.failures?.[0]).toMatchObject({ namespace: 'a', code: 'cci-bad-answer' });
  });

  it('stops starting pages when time runs low and says so', async () => {
    const pages = Array.from({ length: 50 }, (_, i) => [mk(`j${String(i).padStart(3, '0')}`, 'Running', RECENT, { [LAST_PHASE_ANNOTATION]: 'Running' })]);
    const client = new FakeClient({ a: pages, b: pages }, {
      onList: () => {
        const until = Date.now() + 40;
        while (Date.now() < until) {
          /* a slow CCI */
        }
      },
    });
    const r = await runSweep(opts(client, { namespaces: ['a', 'b', 'c'], concurrency: 2, deadline: Deadline.after(1_500) }));
    expect(r.complete).toBe(false);
    expect(r.coverage.find((c) => c.namespace === 'a')!.status).toBe('partial');
    expect(r.coverage.find((c) => c.namespace === 'c')!.status).toBe('not-started');
    expect(r.jobs).toBeGreaterThan(0);
    expect(r.jobs).toBeLessThan(100);
  });

  it('reports events that could not be sent, and keeps the report', async () => {
    const client = new FakeClient({ a: [[mk('a1', 'Failed', RECENT, { [LAST_PHASE_ANNOTATION]: 'Running' })]] });
    const r = await runSweep(
      opts(client, {
        emit: async () => {
          throw new Error('queue gone');
        },
      }),
    );
    expect(r.transitions).toHaveLength(1);
    expect(r.events).toEqual({ sent: 0, failed: [{ type: 'transition', namespace: 'a', name: 'a1', reason: 'Error: queue gone' }] });
  });

  it('sizes pages by memory: after a page of large jobs the next limit is what fits in pageBytes', async () => {
    const jobs = Array.from({ length: 60 }, (_, i) => mk(`j${String(i).padStart(2, '0')}`, 'Running', RECENT, { [LAST_PHASE_ANNOTATION]: 'Running' }));
    const lists: Array<number | undefined> = [];
    // Serves `limit` jobs from the offset in the token; every job weighs a little over 10,000 bytes.
    const client: SweepClient = {
      readJobList: async (_ns, o, _d, read) => {
        lists.push(o.limit);
        const from = Number(o.continue ?? 0);
        const items = jobs.slice(from, from + o.limit!);
        const to = from + items.length;
        return serve({ items: items.map((j) => ({ ...j, pad: 'x'.repeat(10_000) })), metadata: { continue: to < jobs.length ? String(to) : '' } }, read);
      },
      patchJob: async () => mk('x', 'Running'),
    };
    const r = await runSweep(opts(client, { pageSize: 20, pageBytes: 50_000 }));
    expect(lists).toEqual([20, 10, 10, 10, 10]);
    expect(r.jobs).toBe(60);
    expect(r.coverage[0]).toMatchObject({ status: 'complete', jobs: 60, pages: 5 });
    // Small jobs: the limit comes back up to pageSize, never above it.
    expect(nextPageLimit(10, 10, 1_000, 20, 50_000)).toBe(20);
    expect(nextPageLimit(20, 20, 200_000, 20, 50_000)).toBe(10);
    expect(nextPageLimit(5, 5, 100_000, 5, 50_000)).toBe(5);
    // No size known (another JobApi) or an empty page: the limit stays.
    expect(nextPageLimit(7, 3, undefined, 20, 50_000)).toBe(7);
    expect(nextPageLimit(7, 0, 100, 20, 50_000)).toBe(7);
  });

  it('annotation writes in flight are bounded over all namespaces (writesInFlight), not per namespace', async () => {
    const pages: Record<string, VolcanoJob[][]> = {};
    for (const ns of ['a', 'b', 'c', 'd']) pages[ns] = [Array.from({ length: 12 }, (_, i) => mk(`${ns}${i}`, 'Running'))];
    let active = 0;
    let max = 0;
    const client = new FakeClient(pages);
    const patch = client.patchJob.bind(client);
    client.patchJob = async (...args: Parameters<FakeClient['patchJob']>) => {
      active++;
      max = Math.max(max, active);
      await new Promise((r) => setTimeout(r, 2));
      active--;
      return patch(...args);
    };
    const r = await runSweep(opts(client, { namespaces: ['a', 'b', 'c', 'd'], concurrency: 4, patchConcurrency: 8, writesInFlight: 3 }));
    expect(max).toBe(3);
    expect(r.annotations).toEqual({ written: 48, failed: 0, skipped: 0 });
    expect(client.patches).toHaveLength(48);
  });

  it('a page CCI answered badly leaves nothing of itself: counts, events and writes come from whole pages only', async () => {
    const good = [mk('g1', 'Running'), mk('g2', 'Failed', RECENT, { [LAST_PHASE_ANNOTATION]: 'Running' })];
    const bad = [mk('b1', 'Pending', OLD), mk('b2', 'Failed', RECENT, { [LAST_PHASE_ANNOTATION]: 'Running' })];
    const patches: string[] = [];
    const client: SweepClient = {
      readJobList: async (_ns, o, _d, read) =>
        // The second page holds a Status after two good jobs: the scan visits those, then refuses the page.
        serve({ items: o.continue ? [...bad, { kind: 'Status', metadata: { name: 'x' } } as VolcanoJob] : good, metadata: { continue: '1' } }, read),
      patchJob: async (_ns, name) => {
        patches.push(name);
        return mk(name, 'Running');
      },
    };
    const r = await runSweep(opts(client));
    expect(r.failures?.[0]).toMatchObject({ namespace: 'a', code: 'cci-bad-answer' });
    expect(r.coverage[0]).toMatchObject({ status: 'failed', jobs: 2, pages: 1 });
    expect(r.jobs).toBe(2);
    expect(r.phases).toEqual({ Running: 1, Failed: 1 });
    expect(r.stuck).toEqual([]);
    expect(r.transitions.map((t) => t.name)).toEqual(['g2']);
    expect(patches.sort()).toEqual(['g1', 'g2']);
  });

  it('a page too large for the client is asked again with half the jobs, until it fits; counts stay exact', async () => {
    const jobs = Array.from({ length: 30 }, (_, i) => mk(`j${String(i).padStart(2, '0')}`, 'Running', RECENT, { [LAST_PHASE_ANNOTATION]: 'Running' }));
    const limits: number[] = [];
    const client: SweepClient = {
      readJobList: async (_ns, o, _d, read) => {
        limits.push(o.limit!);
        // More than 5 jobs in one answer is over the bound.
        if (o.limit! > 5) throw new AppError(502, 'cci-answer-too-large', 'CCI\'s answer is larger than 2000 bytes and was not read', { retryable: false });
        const from = Number(o.continue ?? 0);
        const items = jobs.slice(from, from + o.limit!);
        const to = from + items.length;
        return serve({ items, metadata: { continue: to < jobs.length ? String(to) : '' } }, read);
      },
      patchJob: async () => mk('x', 'Running'),
    };
    const r = await runSweep(opts(client, { pageSize: 20 }));
    expect(limits.slice(0, 3)).toEqual([20, 10, 5]);
    expect(r.jobs).toBe(30);
    expect(r.phases).toEqual({ Running: 30 });
    expect(r.coverage[0]).toMatchObject({ status: 'complete', jobs: 30 });
    expect(r.failures).toBeUndefined();
  });

  it('a page over the bound even at one job fails the namespace, and says why', async () => {
    const client: SweepClient = {
      readJobList: async () => {
        throw new AppError(502, 'cci-answer-too-large', 'too large', { retryable: false });
      },
      patchJob: async () => mk('x', 'Running'),
    };
    const r = await runSweep(opts(client, { pageSize: 4 }));
    expect(r.failures?.[0]).toMatchObject({ namespace: 'a', code: 'cci-answer-too-large' });
  });

  it('writes one EMF line per fully listed namespace', async () => {
    const lines: string[] = [];
    const client = new FakeClient({ a: [[mk('a1', 'Pending', OLD)]], b: [[mk('b1', 'Running')]] });
    await runSweep(opts(client, { namespaces: ['a', 'b', 'missing'], metrics: (l) => lines.push(l) }));
    const recs = lines.map((l) => JSON.parse(l));
    expect(recs.map((r) => r.Namespace).sort()).toEqual(['a', 'b']);
    expect(recs.find((r) => r.Namespace === 'a')).toMatchObject({ Jobs: 1, Stuck: 1, 'Phase.Pending': 1 });
  });
});

// ---------------------------------------------------------------------------------------------
// Why a stuck job waits: state reason/message and the PodGroup, read once per job per sweep.

function pgJob(name: string, phase: string, state: Record<string, string> = {}): VolcanoJob {
  return { ...JOB, metadata: { name, uid: `uid-${name}`, creationTimestamp: OLD }, status: { state: { phase, lastTransitionTime: OLD, ...state } } };
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

class PodGroupClient implements SweepClient {
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
  async readJobList<T>(ns: string, o: { continue?: string }, _d: Deadline, read: (body: Buffer) => T | undefined): Promise<T> {
    return serve(await this.listJobs(ns, o), read);
  }
  async patchJob(): Promise<VolcanoJob> {
    return pgJob('x', 'Running');
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

function pgOpts(client: SweepClient, over: Partial<SweepOptions> = {}): SweepOptions {
  return { client, namespaces: ['ns'], stuckAfterMs: 3_600_000, now: NOW, deadline: Deadline.after(20_000), log: silent, pageSize: 2, concurrency: 1, metrics: () => {}, ...over };
}

const forbidden = () => new AppError(502, 'cci-forbidden', 'CCI refused our credentials access: 403');

describe('stuck entries say why', () => {
  it('reason and message from status.state; podGroup from <job>-<uid>, latest Unschedulable condition; events carry them', async () => {
    const client = new PodGroupClient([[pgJob('a', 'Inqueue', { reason: 'Inqueue', message: 'waiting for queue' }), pgJob('b', 'Running')]], {
      'a-uid-a': gang('3/3 tasks in gang unschedulable: pod group is not ready, 3 Pending, 3 minAvailable'),
    });
    const events: SweepEvent[] = [];
    const r = await runSweep(pgOpts(client, { emit: async (e) => (events.push(...e), { sent: e.length, failed: [] }) }));
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
    const client = new PodGroupClient([[pgJob('a', 'Pending'), pgJob('b', 'Pending')]], { a: gang('legacy name') });
    const r = await runSweep(pgOpts(client));
    expect(r.stuck.find((s) => s.name === 'a')!.podGroup).toMatchObject({ message: 'legacy name' });
    expect(r.stuck.find((s) => s.name === 'b')).toEqual({ namespace: 'ns', name: 'b', phase: 'Pending', since: OLD });
    expect(client.podGroupReads.sort()).toEqual(['a', 'a-uid-a', 'b', 'b-uid-b']);
    expect(r.complete).toBe(true);
  });

  it('403 (CCI does not serve PodGroups): left out, no further reads in the namespace, not a failure', async () => {
    const client = new PodGroupClient([[pgJob('a', 'Pending'), pgJob('b', 'Pending')], [pgJob('c', 'Pending')]], { 'a-uid-a': forbidden(), 'b-uid-b': forbidden() });
    const r = await runSweep(pgOpts(client, { podGroupConcurrency: 1 }));
    expect(r.stuck.map((s) => s.podGroup)).toEqual([undefined, undefined, undefined]);
    expect(client.podGroupReads).toEqual(['a-uid-a']);
    expect(r.failures).toBeUndefined();
    expect(r.complete).toBe(true);
  });

  it('other failures are left out and logged; the sweep goes on', async () => {
    const client = new PodGroupClient([[pgJob('a', 'Pending'), pgJob('b', 'Pending')]], { 'a-uid-a': new AppError(504, 'cci-timeout', 'no answer'), 'b-uid-b': gang('fine') });
    const r = await runSweep(pgOpts(client));
    expect(r.stuck.map((s) => s.podGroup?.message)).toEqual([undefined, 'fine']);
    expect(r.failures).toBeUndefined();
  });

  it('once per job per sweep, even when a 410 restarts the listing', async () => {
    let expired = false;
    const client = new PodGroupClient([[pgJob('a', 'Pending'), pgJob('b', 'Running')], [pgJob('c', 'Pending')]], { 'a-uid-a': gang('x'), 'c-uid-c': gang('y') }, (cont) => {
      if (cont === '1' && !expired) {
        expired = true;
        throw new AppError(410, 'continue-expired', 'too old');
      }
    });
    const r = await runSweep(pgOpts(client));
    expect(r.coverage[0]!.restarts).toBe(1);
    expect(client.podGroupReads.sort()).toEqual(['a-uid-a', 'c-uid-c']);
    expect(r.stuck.map((s) => s.podGroup?.message)).toEqual(['x', 'y']);
  });

  it('at most maxPodGroupReads jobs per sweep; none without getPodGroup', async () => {
    const jobs = [pgJob('a', 'Pending'), pgJob('b', 'Pending')];
    const client = new PodGroupClient([jobs, [pgJob('c', 'Pending')]], { 'a-uid-a': gang('1'), 'b-uid-b': gang('2'), 'c-uid-c': gang('3') });
    const r = await runSweep(pgOpts(client, { maxPodGroupReads: 2 }));
    expect(r.stuck.map((s) => s.podGroup?.message)).toEqual(['1', '2', undefined]);
    const bare: SweepClient = { readJobList: client.readJobList.bind(client), patchJob: client.patchJob.bind(client) };
    const r2 = await runSweep(pgOpts(bare));
    expect(r2.stuck.every((s) => s.podGroup === undefined)).toBe(true);
  });
});

describe('odd and built-in phase names', () => {
  it('phases named constructor, __proto__, toString are counted like any other; odd fields are no crash', async () => {
    const odd = { ...JOB, metadata: { name: 'odd', uid: 7, annotations: { x: 1 } }, status: { state: { phase: 5, lastTransitionTime: 3 } } } as VolcanoJob;
    const client = new FakeClient({ a: [[mk('c1', 'constructor'), mk('c2', 'constructor'), mk('p', '__proto__'), mk('t', 'toString'), odd]] });
    const r = await runSweep(opts(client, { pageSize: 10 }));
    expect(JSON.stringify(r.phases)).toBe('{"constructor":2,"__proto__":1,"toString":1,"Unknown":1}');
    expect(Object.getPrototypeOf(r.phases)).toBe(Object.prototype);
    expect(r.failures).toBeUndefined();
  });
});
