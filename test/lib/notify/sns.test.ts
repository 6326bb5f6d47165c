/** The SNS channel with aws-sdk-client-mock: one Publish per notification, attributes, FIFO ids, retries, the deadline. */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../lib/core/deadline';
import type { Notification } from '../../../lib/notify/port';
import { snsNotifier } from '../../../lib/notify/sns';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:t';
const sns = mockClient(SNSClient);
afterAll(() => sns.restore());
beforeEach(() => sns.reset());

const n = (i: number): Notification => ({
  subject: `Job ns/j${i}: Running → Failed`,
  message: JSON.stringify({ type: 'transition', name: `j${i}` }),
  attributes: { type: 'transition', namespace: 'ns', phase: 'Failed' },
  groupId: `ns/j${i}`,
  deduplicationId: `d${i}`,
});

describe('snsNotifier', () => {
  it('one Publish per notification, with subject, message and String attributes; no FIFO ids on a standard topic', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    const out = await snsNotifier(TOPIC).publish([n(1), n(2), n(3)], Deadline.after(5_000));
    expect(out).toEqual({ sent: 3, failed: [] });
    const calls = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => c.Subject).sort()).toEqual([n(1), n(2), n(3)].map((x) => x.subject));
    expect(calls[0]).toMatchObject({
      TopicArn: TOPIC,
      MessageAttributes: { type: { DataType: 'String', StringValue: 'transition' }, namespace: { DataType: 'String', StringValue: 'ns' }, phase: { DataType: 'String', StringValue: 'Failed' } },
    });
    expect(calls[0]!.MessageGroupId).toBeUndefined();
    expect(calls[0]!.MessageDeduplicationId).toBeUndefined();
  });

  it('a FIFO topic gets the group and deduplication ids', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    await snsNotifier(`${TOPIC}.fifo`).publish([n(1)], Deadline.after(5_000));
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toMatchObject({ MessageGroupId: 'ns/j1', MessageDeduplicationId: 'd1' });
  });

  it('throttling is retried; a permanent error is not, and is reported with its index', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    const invalid = Object.assign(new Error('Invalid parameter: Subject'), { name: 'InvalidParameterException' });
    sns
      .on(PublishCommand)
      .callsFake(async (input: { Subject: string }) => {
        if (input.Subject.includes('j2')) throw invalid;
        return { MessageId: 'ok' };
      })
      .on(PublishCommand, { Subject: n(1).subject })
      .rejectsOnce(throttled)
      .resolves({ MessageId: 'ok' });
    const out = await snsNotifier(TOPIC).publish([n(1), n(2)], Deadline.after(5_000));
    expect(out.sent).toBe(1);
    expect(out.failed).toEqual([{ index: 1, reason: 'InvalidParameterException: Invalid parameter: Subject' }]);
    expect(sns.commandCalls(PublishCommand, { Subject: n(2).subject })).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand, { Subject: n(1).subject })).toHaveLength(2);
  });

  it('each attempt carries an abort signal bounded by the deadline; no time left: reported, not sent', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    await snsNotifier(TOPIC).publish([n(1)], Deadline.after(2_000));
    const options = (sns.commandCalls(PublishCommand)[0]!.args as unknown[])[1] as { abortSignal?: AbortSignal } | undefined;
    expect(options?.abortSignal).toBeInstanceOf(AbortSignal);
    sns.resetHistory();
    const out = await snsNotifier(TOPIC).publish([n(1)], Deadline.after(0));
    expect(out).toEqual({ sent: 0, failed: [{ index: 0, reason: 'Error: not sent: no time left before the deadline' }] });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('nothing to publish: no SDK call', async () => {
    expect(await snsNotifier(TOPIC).publish([], Deadline.after(1_000))).toEqual({ sent: 0, failed: [] });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
