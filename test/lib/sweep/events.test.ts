/** Sweep events as SQS messages: bodies, FIFO groups and deduplication ids, and the emitter over sqs-sender. */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_GROUP_ID } from '../../../lib/aws/sqs-sender';
import { Deadline } from '../../../lib/core/deadline';
import { eventBody, eventMessages, sqsEmitter } from '../../../lib/sweep/events';
import type { SweepEvent } from '../../../lib/sweep/run';
import { refuseSome } from '../../support/sqs';

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

describe('event bodies and identities', () => {
  const stuck: SweepEvent = { type: 'stuck', namespace: 'ns', name: 'j', uid: 'u', from: 'Pending', to: 'Pending', at: '2026-01-01T00:00:00Z', since: '2025-12-31T00:00:00Z' };
  it('a body has a fixed field set; a missing uid is null, `since` only for stuck events', () => {
    expect(JSON.parse(eventBody({ ...stuck, uid: undefined }))).toEqual({ type: 'stuck', namespace: 'ns', name: 'j', uid: null, from: 'Pending', to: 'Pending', at: '2026-01-01T00:00:00Z', since: '2025-12-31T00:00:00Z' });
    const { since: _s, ...transition } = stuck;
    expect(Object.keys(JSON.parse(eventBody({ ...transition, type: 'transition' })))).not.toContain('since');
  });
  it('a stuck event keeps its deduplication id across sweeps (the sweep time is not part of it), a new episode gets a new one', () => {
    const q = 'https://sqs.eu-west-1.amazonaws.com/1/q.fifo';
    const [a] = eventMessages(q, [stuck]);
    const [later] = eventMessages(q, [{ ...stuck, at: '2026-01-01T00:05:00Z' }]);
    const [episode2] = eventMessages(q, [{ ...stuck, since: '2026-01-01T00:01:00Z' }]);
    expect(later!.deduplicationId).toBe(a!.deduplicationId);
    expect(episode2!.deduplicationId).not.toBe(a!.deduplicationId);
  });
  it('FIFO group ids stay within SQS\'s 128 characters for long names', () => {
    const [m] = eventMessages('https://q.fifo', [{ ...stuck, namespace: 'n'.repeat(63), name: 'j'.repeat(253) }]);
    expect(m!.groupId!.length).toBeLessThanOrEqual(128);
  });
});

describe('sqsEmitter', () => {
  const sqs = mockClient(SQSClient);
  afterAll(() => sqs.restore());
  beforeEach(() => {
    sqs.reset();
    process.env.AWS_REGION ??= 'eu-west-1';
  });
  const ev = (i: number): SweepEvent => ({ type: 'transition', namespace: 'ns', name: `j${i}`, uid: `u${i}`, from: 'Pending', to: 'Running', at: '2026-01-01T00:00:00Z' });

  it('sends every event and maps failed entries back to their events', async () => {
    sqs.on(SendMessageBatchCommand).callsFake(refuseSome((e) => e.Id === 'm1', { code: 'InvalidMessageContents', message: 'bad', senderFault: true }));
    const events = Array.from({ length: 12 }, (_, i) => ev(i));
    const out = await sqsEmitter('https://sqs.eu-west-1.amazonaws.com/1/q', Deadline.after(5_000))(events);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
    // Entry m1 of each batch of 10 failed: events 1 and 11.
    expect(out.sent).toBe(10);
    expect(out.failed.map((f) => f.event.name)).toEqual(['j1', 'j11']);
    expect(out.failed[0]!.reason).toMatch(/InvalidMessageContents/);
  });
});

const event = (namespace: string, name: string, type: SweepEvent['type'] = 'transition'): SweepEvent => ({
  type, namespace, name, uid: 'u', from: 'Pending', to: 'Running', at: '2026-01-01T00:00:00Z', ...(type === 'stuck' ? { since: '2026-01-01T00:00:00Z' } : {}),
});

describe('sweep events on a FIFO queue', () => {
  it('a namespace/name longer than 128 characters gets a bounded group id, the same for every event of the job', () => {
    const ns = 'n'.repeat(63);
    const name = 'j'.repeat(253);
    const [t, s, other] = eventMessages('https://sqs.eu-west-1.amazonaws.com/1/events.fifo', [event(ns, name), event(ns, name, 'stuck'), event(ns, `${name.slice(1)}k`)]);
    expect(t!.groupId!.length).toBeLessThanOrEqual(MAX_GROUP_ID);
    expect(t!.groupId).toBe(s!.groupId);
    expect(other!.groupId).not.toBe(t!.groupId);
    expect(t!.groupId!.startsWith(`${ns}/`)).toBe(true);
  });

  it('short names are the group id as they are; standard queues get none', () => {
    expect(eventMessages('https://x/q.fifo', [event('ns', 'job')])[0]!.groupId).toBe('ns/job');
    expect(eventMessages('https://x/q', [event('ns', 'job')])[0]!.groupId).toBeUndefined();
  });
});
