/** Sweep events to SQS: on a FIFO queue the job is the group, bounded to SQS's 128 characters. */
import { describe, expect, it } from 'vitest';
import { MAX_GROUP_ID } from '../../../lib/aws/sqs-sender';
import { eventMessages } from '../../../lib/sweep/events';
import type { SweepEvent } from '../../../lib/sweep/run';

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
