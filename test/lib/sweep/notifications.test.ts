/** Sweep events as notifications: subjects people read, the SQS body, filter attributes, and fan-out to several destinations. */
import { describe, expect, it } from 'vitest';
import { Deadline } from '../../../lib/core/deadline';
import type { Notification, Notifier } from '../../../lib/notify/port';
import { eventBody, fifoIds } from '../../../lib/sweep/events';
import { allEmitters, humanDuration, notificationOf, notifyEmitter, subjectOf } from '../../../lib/sweep/notifications';
import type { Emit, SweepEvent } from '../../../lib/sweep/run';

const transition: SweepEvent = { type: 'transition', namespace: 'ns', name: 'j', uid: 'u', from: 'Running', to: 'Failed', at: '2026-01-01T12:00:00Z' };
const stuck: SweepEvent = {
  type: 'stuck',
  namespace: 'ns',
  name: 'k',
  uid: 'v',
  from: 'Inqueue',
  to: 'Inqueue',
  at: '2026-01-01T12:00:00Z',
  since: '2026-01-01T10:00:00Z',
  reason: 'Inqueue',
  message: 'job message',
  podGroup: { phase: 'Inqueue', reason: 'NotEnoughResources', message: '3/3 tasks in gang unschedulable: 3 Insufficient cpu' },
};

describe('humanDuration', () => {
  it.each([
    [0, '0m'],
    [59_000, '0m'],
    [45 * 60_000, '45m'],
    [2 * 3_600_000, '2h'],
    [2 * 3_600_000 + 15 * 60_000, '2h15m'],
    [3 * 86_400_000, '3d'],
    [3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000, '3d4h'],
    [-5, '0m'],
  ])('%d ms is %s', (ms, text) => expect(humanDuration(ms)).toBe(text));
});

describe('subjectOf', () => {
  it('a transition: Job ns/name: from → to', () => {
    expect(subjectOf(transition)).toBe('Job ns/j: Running → Failed');
  });
  it("a stuck job: how long, and the PodGroup's message first, else the job's, else a reason", () => {
    expect(subjectOf(stuck)).toBe('Job ns/k stuck in Inqueue for 2h: 3/3 tasks in gang unschedulable: 3 Insufficient cpu');
    expect(subjectOf({ ...stuck, podGroup: { phase: 'Inqueue' } })).toBe('Job ns/k stuck in Inqueue for 2h: job message');
    const { message: _m, podGroup: _p, ...bare } = stuck;
    expect(subjectOf({ ...bare, podGroup: { reason: 'NotEnoughResources' } })).toBe('Job ns/k stuck in Inqueue for 2h: NotEnoughResources');
    const { reason: _r, ...none } = bare;
    expect(subjectOf(none)).toBe('Job ns/k stuck in Inqueue for 2h');
    const { since: _s, ...noSince } = none;
    expect(subjectOf(noSince)).toBe('Job ns/k stuck in Inqueue');
  });
  it('one line of fewer than 100 characters, whatever the message holds', () => {
    const s = subjectOf({ ...stuck, podGroup: { message: `line one\nline two ${'x'.repeat(300)}` } });
    expect(s.length).toBeLessThan(100);
    expect(s).not.toMatch(/[\r\n]/);
    expect(s.startsWith('Job ns/k stuck in Inqueue for 2h: line one line two x')).toBe(true);
  });
});

describe('notificationOf', () => {
  it('the SQS body, and type / namespace / phase attributes; FIFO ids only when asked', () => {
    const n = notificationOf(stuck);
    expect(n.message).toBe(eventBody(stuck));
    expect(JSON.parse(n.message)).toMatchObject({ type: 'stuck', podGroup: stuck.podGroup, reason: 'Inqueue', message: 'job message' });
    expect(n.attributes).toEqual({ type: 'stuck', namespace: 'ns', phase: 'Inqueue' });
    expect(n.groupId).toBeUndefined();
    expect(notificationOf(transition, true)).toMatchObject({ attributes: { phase: 'Failed' }, ...fifoIds(transition) });
  });
  it("a stuck event's FIFO identity ignores the explanation (the episode counts)", () => {
    expect(fifoIds(stuck).deduplicationId).toBe(fifoIds({ ...stuck, podGroup: { message: 'other' }, at: '2026-01-01T12:05:00Z' }).deduplicationId);
  });
});

describe('notifyEmitter and allEmitters', () => {
  const recorder = (fail: (n: Notification) => string | undefined): Notifier & { seen: Notification[] } => {
    const seen: Notification[] = [];
    return {
      channel: 'test',
      seen,
      publish: async (ns) => {
        seen.push(...ns);
        const failed = ns.flatMap((n, index) => (fail(n) ? [{ index, reason: fail(n)! }] : []));
        return { sent: ns.length - failed.length, failed };
      },
    };
  };
  it('maps failures back to their events, with the channel', async () => {
    const notifier = recorder((n) => (n.attributes.type === 'stuck' ? 'refused' : undefined));
    const out = await notifyEmitter(notifier, Deadline.after(1_000))([transition, stuck]);
    expect(notifier.seen.map((n) => n.subject)).toEqual([subjectOf(transition), subjectOf(stuck)]);
    expect(out).toEqual({ sent: 1, failed: [{ event: stuck, reason: 'test: refused' }] });
  });
  it('every destination gets every event; one that throws costs only its own deliveries', async () => {
    const ok: Emit = async (events) => ({ sent: events.length, failed: [] });
    const broken: Emit = async () => {
      throw new TypeError('boom');
    };
    const out = await allEmitters([ok, broken, ok], ['sqs', 'sns', 'smn'])([transition, stuck]);
    expect(out.sent).toBe(4);
    expect(out.failed).toEqual([
      { event: transition, reason: 'sns: TypeError: boom' },
      { event: stuck, reason: 'sns: TypeError: boom' },
    ]);
    expect(allEmitters([ok], ['sqs'])).toBe(ok);
  });
});
