/**
 * CCI authentication (emulator/auth.ts): static, IAM-minted, revoked and expired tokens, AK/SK signatures, forbidden namespaces.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index';
import { cci, JOB, JOB3, jobsUrl, NS, PASSWORD_BODY, useEmulator } from './support';

const t = useEmulator();

describe('auth', () => {
  it('missing token is 401 Status; revoked token is 401 Status; expired token is the gateway 401', async () => {
    const none = await cci('GET', jobsUrl(NS, JOB), { token: null });
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    expect((await cci('GET', jobsUrl(NS, JOB), { token: 'MIIgarbage' })).status).toBe(401);

    const minted = t.emu.mintToken();
    expect((await cci('GET', jobsUrl(NS, JOB), { token: minted })).status).toBe(200);
    t.emu.revokeTokens();
    const revoked = await cci('GET', jobsUrl(NS, JOB), { token: minted });
    expect(revoked.status).toBe(401);
    expect(revoked.json.reason).toBe('Unauthorized');

    const fresh = t.emu.mintToken();
    expect((await cci('GET', jobsUrl(NS, JOB), { token: fresh })).status).toBe(200);
    t.emu.expireTokens();
    const expired = await cci('GET', jobsUrl(NS, JOB), { token: fresh });
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({ error_code: 'APIGW.0307', error_msg: 'The token must be updated.' });
    // static tokens are unaffected; new tokens work
    expect((await cci('GET', jobsUrl(NS, JOB))).status).toBe(200);
    expect((await cci('GET', jobsUrl(NS, JOB), { token: t.emu.mintToken() })).status).toBe(200);
  });

  it('a token past its TTL is expired', async () => {
    const short = await startEmulator({ port: 0, tokenTtlSeconds: 0.2 });
    try {
      const res = await fetch(`${short.url}/v3/auth/tokens`, { method: 'POST', body: JSON.stringify(PASSWORD_BODY()) });
      const token = res.headers.get('x-subject-token')!;
      const url = `${short.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${NS}/jobs/${JOB}`;
      expect((await fetch(url, { headers: { 'X-Auth-Token': token } })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      const r = await fetch(url, { headers: { 'X-Auth-Token': token } });
      expect(r.status).toBe(401);
      expect(((await r.json()) as any).error_code).toBe('APIGW.0307');
    } finally {
      await short.close();
    }
  });

  it('forbidden namespaces answer 403 with the CCI error code', async () => {
    t.emu.createJobs('locked-ns', 1);
    t.emu.forbidNamespace('locked-ns');
    const r = await cci('GET', jobsUrl('locked-ns'));
    expect(r.status).toBe(403);
    expect(r.json.errorCode).toBe('CCI.01.403104');
    expect(r.json.reason).toBe('Forbidden');
  });

  it('accepts AK/SK-signed requests and refuses a bad signature', async () => {
    const sign = (method: string, url: string, body: string, sk: string, ak = 'LOCALAK') => {
      const u = new URL(url);
      const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
      const headers: Record<string, string> = { host: u.host, 'x-sdk-date': date, 'content-type': 'application/merge-patch+json' };
      const names = Object.keys(headers).sort();
      const canonicalUri = u.pathname.split('/').map(encodeURIComponent).join('/').replace(/\/?$/, '/');
      const canonicalQuery = [...u.searchParams.entries()]
        .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : 1))
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
        .join('&');
      const canonicalRequest = [
        method,
        canonicalUri,
        canonicalQuery,
        names.map((n) => `${n}:${headers[n]}\n`).join(''),
        names.join(';'),
        createHash('sha256').update(body).digest('hex'),
      ].join('\n');
      const sts = `SDK-HMAC-SHA256\n${date}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
      const sig = createHmac('sha256', sk).update(sts).digest('hex');
      return {
        'X-Sdk-Date': date,
        'Content-Type': 'application/merge-patch+json',
        Authorization: `SDK-HMAC-SHA256 Access=${ak}, SignedHeaders=${names.join(';')}, Signature=${sig}`,
      };
    };
    t.emu.resetStats();
    const url = jobsUrl(NS, JOB3, 'dryRun=All');
    const body = JSON.stringify({ metadata: { labels: { signed: 'yes' } } });
    const good = await fetch(url, { method: 'PATCH', headers: sign('PATCH', url, body, 'localsecretkey'), body });
    expect(good.status).toBe(200);
    expect(t.emu.requests().at(-1)!.auth).toBe('aksk');
    const bad = await fetch(url, { method: 'PATCH', headers: sign('PATCH', url, body, 'wrong'), body });
    expect(bad.status).toBe(401);
  });

  it('accepts every token as Authorization: Bearer too, and refuses bad ones the same way', async () => {
    const get = (authorization: string) => cci('GET', jobsUrl(NS, JOB), { token: null, headers: { Authorization: authorization } });
    t.emu.resetStats();
    expect((await get('Bearer local-dev-token')).status).toBe(200);
    expect(t.emu.requests().at(-1)!.auth).toBe('static');
    const minted = t.emu.mintToken();
    expect((await get(`Bearer ${minted}`)).status).toBe(200);
    expect(t.emu.requests().at(-1)!.auth).toBe('token');
    const wrong = await get('Bearer not-a-token');
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect((await get('Basic dXNlcjpwYXNz')).status).toBe(401);
    t.emu.revokeTokens();
    expect((await get(`Bearer ${minted}`)).status).toBe(401);
  });
});
