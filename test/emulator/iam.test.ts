/**
 * IAM fake (emulator/iam.ts): password tokens as Huawei IAM issues them, and its refusals.
 */
import { describe, expect, it } from 'vitest';
import { cci, JOB, jobsUrl, NS, PASSWORD_BODY, useEmulator } from './support';

const t = useEmulator();

describe('IAM', () => {
  it('issues a ~9 KB token with 201, X-Subject-Token and microsecond expiry', async () => {
    t.emu.resetStats();
    const res = await fetch(`${t.emu.url}/v3/auth/tokens?nocatalog=true`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json;charset=utf8' },
      body: JSON.stringify(PASSWORD_BODY()),
    });
    expect(res.status).toBe(201);
    const token = res.headers.get('x-subject-token');
    expect(token).toMatch(/^MII[A-Za-z0-9+/=]+$/);
    expect(token!.length).toBeGreaterThan(8000);
    const body = (await res.json()) as any;
    expect(body.token.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(body.token.issued_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const ttl = Date.parse(body.token.expires_at.replace(/(\.\d{3})\d+/, '$1')) - Date.parse(body.token.issued_at.replace(/(\.\d{3})\d+/, '$1'));
    expect(ttl).toBe(86400 * 1000);
    expect(body.token.project.name).toBe('cn-north-4');
    expect(body.token.catalog).toEqual([]);
    expect(t.emu.stats().iamTokenRequests).toBe(1);
    // the token works on CCI
    const get = await cci('GET', jobsUrl(NS, JOB), { token: token! });
    expect(get.status).toBe(200);
  });

  it('refuses a wrong password with the Keystone 401', async () => {
    const res = await fetch(`${t.emu.url}/v3/auth/tokens`, { method: 'POST', body: JSON.stringify(PASSWORD_BODY('nope')) });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-subject-token')).toBeNull();
    expect(await res.json()).toEqual({ error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' } });
  });

  it('refuses a malformed body (400) and an unknown project', async () => {
    const bad = await fetch(`${t.emu.url}/v3/auth/tokens`, { method: 'POST', body: '{"auth":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 400, message: 'The request body is invalid', title: 'Bad Request' } });
    const proj = await fetch(`${t.emu.url}/v3/auth/tokens`, { method: 'POST', body: JSON.stringify(PASSWORD_BODY('demo-password', 'mars-1')) });
    expect(proj.status).toBe(401);
    expect(((await proj.json()) as any).error.message).toMatch(/project/);
  });
});
