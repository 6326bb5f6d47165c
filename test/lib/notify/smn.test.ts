/**
 * The SMN channel against the emulator's SMN over real HTTP: the topic URN parsed (project id,
 * region, default endpoint), one publish per notification with `{subject, message}`, token and AK/SK
 * authentication, 5xx retried, 4xx reported, a 401 after a cached token retried once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../../emulator';
import { Deadline } from '../../../lib/core/deadline';
import { akSkAuth } from '../../../lib/credentials/aksk';
import { staticTokenAuth } from '../../../lib/credentials/static-token';
import type { CciAuth } from '../../../lib/credentials';
import type { Notification } from '../../../lib/notify/port';
import { parseTopicUrn, smnNotifier } from '../../../lib/notify/smn';

const PROJECT = '0123456789abcdef0123456789abcdef';
const URN = `urn:smn:cn-north-4:${PROJECT}:volcano_events-1`;
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: false });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.clearFaults();
  emu.clearSmnMessages();
  emu.resetStats();
});

const n = (i: number): Notification => ({ subject: `Job ns/j${i}: Running → Failed`, message: `{"name":"j${i}"}`, attributes: { type: 'transition', namespace: 'ns', phase: 'Failed' } });

describe('parseTopicUrn', () => {
  it('region and project id from the URN', () => {
    expect(parseTopicUrn(` ${URN} `)).toEqual({ urn: URN, region: 'cn-north-4', projectId: PROJECT });
  });
  it.each(['volcano', 'urn:smn:cn-north-4:volcano', `urn:smn:cn-north-4:${PROJECT}:`, `urn:smn:cn-north-4:${PROJECT}:a/b`, `urn:smn:cn-north-4:${PROJECT}:-x`, `urn:sns:cn-north-4:${PROJECT}:t`])(
    'refuses %j as a configuration error naming the variable',
    (urn) => {
      expect(() => parseTopicUrn(urn)).toThrow(expect.objectContaining({ status: 500, code: 'config', message: expect.stringContaining('SWEEP_EVENTS_SMN_TOPIC_URN') }));
    },
  );
});

describe('smnNotifier', () => {
  it('publishes each notification once with {subject, message}, authenticated by token', async () => {
    const out = await smnNotifier({ topicUrn: URN, auth: staticTokenAuth('local-dev-token'), endpoint: emu.url }).publish([n(1), n(2)], Deadline.after(5_000));
    expect(out).toEqual({ sent: 2, failed: [] });
    const messages = emu.smnMessages();
    expect(messages.map((m) => m.subject).sort()).toEqual([n(1).subject, n(2).subject]);
    expect(messages[0]).toMatchObject({ project_id: PROJECT, topic_urn: URN, auth: 'static' });
    expect(messages.map((m) => m.message).sort()).toEqual([n(1).message, n(2).message]);
    const req = emu.requests().find((r) => r.service === 'smn')!;
    expect(req).toMatchObject({ method: 'POST', path: `/v2/${PROJECT}/notifications/topics/${URN}/publish` });
  });

  it('AK/SK signing over the URN path (colons signed as the server canonicalises them)', async () => {
    const out = await smnNotifier({ topicUrn: URN, auth: akSkAuth({ accessKey: 'LOCALAK', secretKey: 'localsecretkey' }), endpoint: `${emu.url}/` }).publish([n(1)], Deadline.after(5_000));
    expect(out).toEqual({ sent: 1, failed: [] });
    expect(emu.smnMessages()[0]!.auth).toBe('aksk');
    const wrong = await smnNotifier({ topicUrn: URN, auth: akSkAuth({ accessKey: 'LOCALAK', secretKey: 'wrong' }), endpoint: emu.url }).publish([n(2)], Deadline.after(5_000));
    expect(wrong.sent).toBe(0);
    expect(wrong.failed[0]!.reason).toMatch(/^SMN answered 401/);
    expect(wrong.failed[0]!.reason).not.toContain('wrong');
  });

  it('5xx and resets are retried; a 4xx is reported once, not retried', async () => {
    emu.addFault({ service: 'smn', times: 1, action: { type: 'status', status: 503 } });
    emu.addFault({ service: 'smn', times: 1, action: { type: 'reset' } });
    const smn = smnNotifier({ topicUrn: URN, auth: staticTokenAuth('local-dev-token'), endpoint: emu.url });
    expect(await smn.publish([n(1)], Deadline.after(5_000))).toEqual({ sent: 1, failed: [] });
    expect(emu.stats().smnPublishRequests).toBe(3);
    emu.resetStats();
    emu.addFault({ service: 'smn', times: Infinity, action: { type: 'status', status: 400, body: '{"request_id":"r","code":"SMN.0007","message":"Parameter: message is invalid."}' } });
    const out = await smn.publish([n(2)], Deadline.after(5_000));
    expect(out).toEqual({ sent: 0, failed: [{ index: 0, reason: expect.stringMatching(/^SMN answered 400/) }] });
    expect(emu.stats().smnPublishRequests).toBe(1);
  });

  it('a 401 for a cached token: one more attempt with a fresh one', async () => {
    let calls = 0;
    let dropped = 0;
    const auth: CciAuth = {
      kind: 'iam-token',
      fingerprint: 'f',
      authorize: async (req) => ({ ...req.headers, 'x-auth-token': calls++ === 0 ? 'stale-token' : 'local-dev-token' }),
      unauthorized: () => (dropped++, true),
    };
    const out = await smnNotifier({ topicUrn: URN, auth, endpoint: emu.url }).publish([n(1)], Deadline.after(5_000));
    expect(out).toEqual({ sent: 1, failed: [] });
    expect(dropped).toBe(1);
    expect(calls).toBe(2);
  });
});
