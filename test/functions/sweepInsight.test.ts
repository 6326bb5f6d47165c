/**
 * Why a job is stuck, and telling people, end to end against the emulator over real HTTP:
 * stuck entries carry the job's state reason/message and its PodGroup's latest Unschedulable
 * condition (`<job>-<uid>`, or the job's own name on old Volcano), none when PodGroups answer 403;
 * one SMN publish per event on the emulator's SMN, authenticated by token or AK/SK signing, with the
 * subject people read and the SQS message's JSON as body; SMN bounded by the deadline (a listener
 * that accepts connections and never answers), on AWS and FunctionGraph triggers.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator';
import type { SweepReport } from '../../lib/sweep/run';
import { CLEAN_ENV, setEnv } from '../support/env';
import { captureLogs, coldHandler, contextFor, useBlackHole } from '../support/harness';
import { loadEvent } from '../support/http-events';

const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const URN = `urn:smn:cn-north-4:${PROJECT}:volcano-sweep-events`;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const OLD = iso(Date.now() - 3 * 3_600_000 - 120_000);

let emu: Emulator;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: false });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.clearFaults();
  emu.resetStats();
  emu.clearSmnMessages();
  emu.forbidPodGroups(false);
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  for (const line of logs.lines) {
    expect(line).not.toContain('demo-password');
    expect(line).not.toContain('localsecretkey');
  }
});

function sweepEnv(ns: string, extra: Record<string, string | undefined> = {}) {
  setEnv({
    ...CLEAN_ENV,
    CCI_ENDPOINT: emu.url,
    IAM_ENDPOINT: emu.url,
    IAM_DOMAIN: 'demo-domain',
    IAM_USER: 'demo-user',
    IAM_PASSWORD: 'demo-password',
    IAM_PROJECT: 'cn-north-4',
    SWEEP_NAMESPACES: ns,
    SWEEP_STUCK_AFTER: '1h',
    ...extra,
  });
}

type Platform = 'aws' | 'functiongraph';
async function sweep(platform: Platform = 'aws', remainingMs = 30_000): Promise<SweepReport> {
  const event = platform === 'aws' ? loadEvent('aws/sweepJobs.json') : loadEvent('functiongraph/sweepJobs.timer-text.json');
  return (await coldHandler('sweepJobs'))(event, contextFor(platform, remainingMs)) as Promise<SweepReport>;
}

function withState(ns: string, name: string, state: Record<string, string>) {
  const job = emu.getJob(ns, name)!;
  emu.putJob(ns, { ...job, status: { ...job.status, state: { ...job.status?.state, ...state } } } as typeof job);
}

describe('stuck entries say why (emulator PodGroups)', () => {
  it("state reason/message and the PodGroup's latest Unschedulable condition; legacy names; jobs not stuck are not read", async () => {
    emu.createJobs('why-a', 3, { prefix: 'wait', phase: 'Inqueue', lastTransitionTime: OLD });
    emu.createJobs('why-a', 4, { prefix: 'run', phase: 'Running' });
    withState('why-a', 'wait-00000', { reason: 'PodGroupPending', message: 'queue default is full' });
    emu.setPodGroupConditions('why-a', 'wait-00000', [
      { type: 'Unschedulable', status: 'True', reason: 'NotEnoughResources', message: 'older', lastTransitionTime: iso(Date.now() - 7_200_000) },
      { type: 'Unschedulable', status: 'True', reason: 'NotEnoughResources', message: '3/3 tasks in gang unschedulable: 3 Insufficient nvidia.com/gpu', lastTransitionTime: iso(Date.now() - 600_000) },
    ]);
    emu.setPodGroupStatus('why-a', 'wait-00001', { legacyName: true });
    emu.setPodGroupStatus('why-a', 'wait-00002', { absent: true });
    sweepEnv('why-a');
    const r = await sweep();
    expect(r.stuck).toHaveLength(3);
    expect(r.stuck[0]).toEqual({
      namespace: 'why-a',
      name: 'wait-00000',
      phase: 'Inqueue',
      since: OLD,
      reason: 'PodGroupPending',
      message: 'queue default is full',
      podGroup: { phase: 'Inqueue', reason: 'NotEnoughResources', message: '3/3 tasks in gang unschedulable: 3 Insufficient nvidia.com/gpu' },
    });
    // Volcano before 1.6: the PodGroup under the job's own name, found on the second try.
    expect(r.stuck[1]!.podGroup).toMatchObject({ phase: 'Inqueue', reason: 'NotEnoughResources', message: expect.stringContaining('tasks in gang unschedulable') });
    // No PodGroup at all: left out, nothing else changes.
    expect(r.stuck[2]).toEqual({ namespace: 'why-a', name: 'wait-00002', phase: 'Inqueue', since: OLD });
    expect(r.failures).toBeUndefined();
    expect(r.complete).toBe(true);
    const reads = emu.requests().filter((q) => q.path.includes('/podgroups/'));
    const uid = (n: string) => emu.getJob('why-a', n)!.metadata.uid;
    expect(reads.map((q) => q.path.split('/').pop()).sort()).toEqual(
      [`wait-00000-${uid('wait-00000')}`, `wait-00001-${uid('wait-00001')}`, 'wait-00001', `wait-00002-${uid('wait-00002')}`, 'wait-00002'].sort(),
    );
    expect(reads.every((q) => q.path.startsWith('/apis/scheduling.volcano.sh/v1beta1/namespaces/why-a/podgroups/'))).toBe(true);
  });

  it('PodGroups answering 403: stuck entries without podGroup, no failure, one read for the namespace', async () => {
    emu.createJobs('why-b', 5, { prefix: 'wait', phase: 'Pending', lastTransitionTime: OLD });
    emu.forbidPodGroups();
    sweepEnv('why-b');
    const r = await sweep('functiongraph');
    expect(r.stuck).toHaveLength(5);
    for (const s of r.stuck) expect(s).not.toHaveProperty('podGroup');
    expect(r.failures).toBeUndefined();
    expect(r.complete).toBe(true);
    // Reads stop once the namespace answered 403 (up to the 4 started together).
    expect(emu.requests().filter((q) => q.path.includes('/podgroups/')).length).toBeLessThanOrEqual(4);
  });

  it('a PodGroup read that hangs costs at most its own bound; the sweep completes', async () => {
    emu.createJobs('why-c', 1, { prefix: 'wait', phase: 'Pending', lastTransitionTime: OLD });
    emu.addFault({ path: /\/podgroups\//, times: Infinity, action: { type: 'hang' } });
    sweepEnv('why-c');
    const started = Date.now();
    const r = await sweep('aws', 20_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.complete).toBe(true);
    expect(r.stuck[0]).not.toHaveProperty('podGroup');
  });
});

describe('SMN (SWEEP_EVENTS_SMN_TOPIC_URN) on the emulator', () => {
  it.each<[string, Record<string, string | undefined>, string]>([
    ['an IAM token', {}, 'token'],
    ['AK/SK signing', { CCI_ACCESS_KEY: 'LOCALAK', CCI_SECRET_KEY: 'localsecretkey' }, 'aksk'],
  ])('one publish per event, authenticated with %s: the subject people read, the SQS JSON as message', async (_what, creds, auth) => {
    const ns = `smn-${auth}`;
    emu.createJobs(ns, 2, { prefix: 'wait', phase: 'Inqueue', lastTransitionTime: OLD });
    emu.createJobs(ns, 1, { prefix: 'run', phase: 'Running' });
    emu.setPodGroupConditions(ns, 'wait-00000', [{ type: 'Unschedulable', status: 'True', reason: 'NotEnoughResources', message: '2/2 tasks in gang unschedulable: no cpu' }]);
    sweepEnv(ns, { SWEEP_EVENTS_SMN_TOPIC_URN: URN, SMN_ENDPOINT: emu.url, ...creds });
    const first = await sweep();
    expect(first.events).toEqual({ sent: 2, failed: [] });
    const messages = emu.smnMessages();
    expect(messages).toHaveLength(2);
    for (const m of messages) {
      expect(m).toMatchObject({ project_id: PROJECT, topic_urn: URN, auth });
      const body = JSON.parse(m.message!);
      expect(body).toMatchObject({ type: 'stuck', namespace: ns, from: 'Inqueue', to: 'Inqueue', since: OLD });
      expect(m.subject).toMatch(new RegExp(`^Job ${ns}/${body.name} stuck in Inqueue for 3h2m`));
    }
    expect(messages.find((m) => JSON.parse(m.message!).name === 'wait-00000')!.subject).toBe(`Job ${ns}/wait-00000 stuck in Inqueue for 3h2m: 2/2 tasks in gang unschedulable: no cpu`);

    emu.clearSmnMessages();
    emu.setPhase(ns, 'run-00000', 'Failed');
    const second = await sweep('functiongraph');
    expect(second.transitions).toEqual([{ namespace: ns, name: 'run-00000', from: 'Running', to: 'Failed' }]);
    expect(emu.smnMessages().map((m) => m.subject)).toEqual([`Job ${ns}/run-00000: Running → Failed`]);
    expect(JSON.parse(emu.smnMessages()[0]!.message!)).toMatchObject({ type: 'transition', from: 'Running', to: 'Failed' });
  });

  it('SMN answering 5xx is retried; a 4xx is reported per event with its reason, not retried', async () => {
    emu.createJobs('smn-err', 2, { prefix: 'wait', phase: 'Pending', lastTransitionTime: OLD });
    sweepEnv('smn-err', { SWEEP_EVENTS_SMN_TOPIC_URN: URN, SMN_ENDPOINT: emu.url });
    emu.addFault({ service: 'smn', times: 2, action: { type: 'status', status: 503 } });
    const r = await sweep();
    expect(r.events).toEqual({ sent: 2, failed: [] });
    expect(emu.stats().smnPublishRequests).toBe(4);

    emu.addFault({ service: 'smn', times: Infinity, action: { type: 'status', status: 400, body: '{"request_id":"r","code":"SMN.0007","message":"Parameter: message is invalid."}' } });
    emu.createJobs('smn-err', 1, { prefix: 'late', phase: 'Pending', lastTransitionTime: OLD });
    const r2 = await sweep();
    expect(r2.events!.sent).toBe(0);
    expect(r2.events!.failed).toEqual([{ type: 'stuck', namespace: 'smn-err', name: 'late-00000', reason: expect.stringMatching(/^smn: SMN answered 400/) }]);
    expect(emu.stats().smnPublishRequests).toBe(5);
  });

  it('a malformed SWEEP_EVENTS_SMN_TOPIC_URN is a configuration error naming the variable', async () => {
    sweepEnv('smn-bad', { SWEEP_EVENTS_SMN_TOPIC_URN: 'volcano-sweep-events' });
    await expect(sweep()).rejects.toMatchObject({ status: 500, code: 'config', message: expect.stringContaining('SWEEP_EVENTS_SMN_TOPIC_URN') });
  });
});

describe('SMN bounded by the deadline', () => {
  const hole = useBlackHole();

  it.each<Platform>(['aws', 'functiongraph'])('an SMN that accepts connections and never answers (%s): the sweep returns in time, the events reported as not sent', async (platform) => {
    const ns = `smn-hole-${platform}`;
    emu.createJobs(ns, 3, { prefix: 'wait', phase: 'Pending', lastTransitionTime: OLD });
    sweepEnv(ns, { SWEEP_EVENTS_SMN_TOPIC_URN: URN, SMN_ENDPOINT: hole.url });
    const started = Date.now();
    const r = await sweep(platform, 3_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(hole.accepted).toBeGreaterThan(0);
    expect(r.stuck).toHaveLength(3);
    expect(r.events!.sent).toBe(0);
    expect(r.events!.failed).toHaveLength(3);
    for (const f of r.events!.failed) expect(f.reason).toMatch(/^smn: /);
  });
});
