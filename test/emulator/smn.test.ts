/**
 * SMN fake (emulator/smn.ts): publish answers {request_id, message_id}, messages are kept and readable
 * in process and over the control interface, authentication is CCI's (token, AK/SK) with the gateway's
 * refusals, and bad topics or bodies get SMN's error JSON.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signRequest } from '../../lib/credentials/aksk-signer';
import { startEmulator } from '../../emulator/index';
import { useEmulator } from './support';

const t = useEmulator();
const PROJECT = '0123456789abcdef0123456789abcdef';
const TOPIC = `urn:smn:cn-north-4:${PROJECT}:volcano-sweep`;
const publishUrl = (topic = TOPIC, project = PROJECT) => `${t.emu.url}/v2/${project}/notifications/topics/${topic}/publish`;

function publish(body: unknown, o: { url?: string; headers?: Record<string, string> } = {}) {
  return fetch(o.url ?? publishUrl(), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json;charset=UTF-8', 'X-Auth-Token': 'local-dev-token', ...(o.headers ?? {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

afterEach(() => {
  t.emu.clearSmnMessages();
});

describe('SMN publish', () => {
  it('answers {request_id, message_id} and keeps the message', async () => {
    t.emu.resetStats();
    const r = await publish({ subject: 'job stuck', message: '{"type":"stuck","name":"j"}', time_to_live: '3600' });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { request_id: string; message_id: string };
    expect(Object.keys(body).sort()).toEqual(['message_id', 'request_id']);
    expect(body.message_id).toMatch(/^[0-9a-f]{32}$/);
    expect(body.request_id).toMatch(/^[0-9a-f]{32}$/);
    const [m] = t.emu.smnMessages();
    expect(m).toMatchObject({
      message_id: body.message_id,
      project_id: PROJECT,
      topic_urn: TOPIC,
      subject: 'job stuck',
      message: '{"type":"stuck","name":"j"}',
      time_to_live: '3600',
      auth: 'static',
    });
    expect(t.emu.stats().smnPublishRequests).toBe(1);
    const rec = t.emu.requests().at(-1)!;
    expect(rec.service).toBe('smn');
    expect(rec.body).toContain('job stuck');
  });

  it('accepts a URL-encoded topic URN and a bearer token; the control interface lists and clears', async () => {
    const r = await publish({ message: 'encoded' }, { url: publishUrl(encodeURIComponent(TOPIC)), headers: { 'X-Auth-Token': '', Authorization: 'Bearer local-dev-token' } });
    expect(r.status).toBe(200);
    const listed = (await (await fetch(`${t.emu.url}/_emulator/smn/messages`)).json()) as Array<{ topic_urn: string; message: string }>;
    expect(listed.map((x) => [x.topic_urn, x.message])).toEqual([[TOPIC, 'encoded']]);
    expect((await fetch(`${t.emu.url}/_emulator/smn/messages`, { method: 'DELETE' })).status).toBe(200);
    expect(t.emu.smnMessages()).toEqual([]);
  });

  it('accepts an AK/SK-signed publish', async () => {
    const body = JSON.stringify({ subject: 's', message: 'signed' });
    const url = publishUrl();
    const headers = signRequest({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body }, { accessKey: 'LOCALAK', secretKey: 'localsecretkey', projectId: PROJECT });
    const r = await fetch(url, { method: 'POST', headers, body });
    expect(r.status).toBe(200);
    expect(t.emu.smnMessages()[0]!.auth).toBe('aksk');
    const bad = signRequest({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body }, { accessKey: 'LOCALAK', secretKey: 'wrong' });
    const refused = await fetch(url, { method: 'POST', headers: bad, body });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error_code: string }).error_code).toBe('APIGW.0301');
  });

  it('refuses a missing or wrong token with the gateway 401, an expired one with APIGW.0307', async () => {
    const none = await publish({ message: 'x' }, { headers: { 'X-Auth-Token': '' } });
    expect(none.status).toBe(401);
    const json = (await none.json()) as Record<string, unknown>;
    expect(json['error_code']).toBe('APIGW.0301');
    expect(json['kind']).toBeUndefined();
    expect((await publish({ message: 'x' }, { headers: { 'X-Auth-Token': 'nope' } })).status).toBe(401);
    const token = t.emu.mintToken();
    t.emu.expireTokens();
    const expired = await publish({ message: 'x' }, { headers: { 'X-Auth-Token': token } });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error_code: string }).error_code).toBe('APIGW.0307');
    expect(t.emu.smnMessages()).toEqual([]);
  });

  it('bad topics and bodies get SMN error JSON', async () => {
    const cases: Array<[unknown, string | undefined, number, string]> = [
      [{ message: 'x' }, publishUrl('not-a-urn'), 400, 'SMN.0005'],
      [{ message: 'x' }, publishUrl(`urn:smn:cn-north-4:otherproject:t`), 404, 'SMN.0006'],
      ['{"message":', undefined, 400, 'SMN.0007'],
      [{ subject: 'no message' }, undefined, 400, 'SMN.0007'],
      [{ message: 'x', subject: 's'.repeat(513) }, undefined, 400, 'SMN.0007'],
      [{ message: 'x'.repeat(256 * 1024 + 1) }, undefined, 400, 'SMN.0007'],
      [{ message: 'x', time_to_live: '0' }, undefined, 400, 'SMN.0007'],
      [{ message: 7 }, undefined, 400, 'SMN.0007'],
    ];
    for (const [body, url, status, code] of cases) {
      const r = await publish(body, url ? { url } : {});
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(status);
      const json = (await r.json()) as { code: string; request_id: string; message: string };
      expect(json.code).toBe(code);
      expect(json.request_id).toMatch(/^[0-9a-f]{32}$/);
      expect(typeof json.message).toBe('string');
    }
    expect(t.emu.smnMessages()).toEqual([]);
    const other = await fetch(`${t.emu.url}/v2/${PROJECT}/notifications/topics`, { headers: { 'X-Auth-Token': 'local-dev-token' } });
    expect(other.status).toBe(404);
  });

  it('faults can target SMN and default to the gateway shape', async () => {
    t.emu.addFault({ service: 'smn', action: { type: 'status', status: 429 } });
    const r = await publish({ message: 'x' });
    expect(r.status).toBe(429);
    expect(((await r.json()) as { error_code: string }).error_code).toBe('APIGW.0308');
    expect((await publish({ message: 'x' })).status).toBe(200);
  });
});

describe('SMN options and logging', () => {
  it('smnTopics limits the topics that exist; log prints each message to stderr', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const emu = await startEmulator({ port: 0, log: true, smnTopics: [TOPIC] });
    try {
      const send = (topic: string) =>
        fetch(`${emu.url}/v2/${PROJECT}/notifications/topics/${topic}/publish`, {
          method: 'POST',
          headers: { 'X-Auth-Token': 'local-dev-token' },
          body: JSON.stringify({ subject: 'phase change', message: 'j: Pending -> Running' }),
        });
      expect((await send(TOPIC)).status).toBe(200);
      expect((await send(`urn:smn:cn-north-4:${PROJECT}:other`)).status).toBe(404);
    } finally {
      await emu.close();
      spy.mockRestore();
    }
    expect(lines.some((l) => l.includes(`smn publish ${TOPIC} "phase change": j: Pending -> Running`))).toBe(true);
  });
});
