/**
 * Fault injection (emulator/faults.ts): status shapes, hangs, resets, garbage, delays and rule matching.
 */
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index';
import { cci, JOB, jobsUrl, merge, NS, PASSWORD_BODY, TOKEN, useEmulator } from './support';

const t = useEmulator();

describe('faults', () => {
  it('status fault with Retry-After and retryAfterSeconds', async () => {
    t.emu.addFault({ action: { type: 'status', status: 429, retryAfter: 2, retryAfterSeconds: 2 } });
    const r = await cci('GET', jobsUrl(NS, JOB));
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('2');
    expect(r.json.reason).toBe('TooManyRequests');
    expect(r.json.details.retryAfterSeconds).toBe(2);
    expect((await cci('GET', jobsUrl(NS, JOB))).status).toBe(200);
  });

  it('text 429 like the apiserver filters, and gateway shape', async () => {
    t.emu.addFault({ action: { type: 'status', status: 429, shape: 'text', retryAfter: 1 } });
    const r = await cci('GET', jobsUrl(NS, JOB));
    expect(r.status).toBe(429);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toBe('Too many requests, please try again later.\n');
    t.emu.addFault({ action: { type: 'status', status: 429, shape: 'gateway' } });
    const g = await cci('GET', jobsUrl(NS, JOB));
    expect(g.json.error_code).toBe('APIGW.0308');
  });

  it('faults apply before auth and can target IAM', async () => {
    t.emu.addFault({ service: 'iam', action: { type: 'status', status: 503 } });
    const r = await fetch(`${t.emu.url}/v3/auth/tokens`, { method: 'POST', body: JSON.stringify(PASSWORD_BODY()) });
    expect(r.status).toBe(503);
    t.emu.addFault({ action: { type: 'status', status: 500 } });
    const c = await cci('GET', jobsUrl(NS, JOB), { token: null });
    expect(c.status).toBe(500);
  });

  it('hang ends when the client aborts', async () => {
    t.emu.addFault({ method: 'GET', action: { type: 'hang' } });
    const t0 = Date.now();
    await expect(
      fetch(jobsUrl(NS, JOB), { headers: { 'X-Auth-Token': TOKEN }, signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await cci('GET', jobsUrl(NS, JOB))).status).toBe(200);
  });

  it('reset gives a fetch error', async () => {
    t.emu.addFault({ action: { type: 'reset' } });
    await expect(fetch(jobsUrl(NS, JOB), { headers: { 'X-Auth-Token': TOKEN } })).rejects.toThrow();
  });

  it('garbage answers are not Jobs', async () => {
    t.emu.addFault({ action: { type: 'garbage' } });
    const r = await cci('GET', jobsUrl(NS, JOB));
    expect(r.status).toBe(200);
    expect(r.text).toBe('<html>gateway</html>');
  });

  it('times counts, matches by method and path, and delay still answers', async () => {
    t.emu.addFault({ method: 'PATCH', path: `/jobs/${JOB}`, times: 2, action: { type: 'status', status: 503 } });
    expect((await cci('GET', jobsUrl(NS, JOB))).status).toBe(200);
    expect((await merge(JOB, { metadata: { labels: { t: '1' } } })).status).toBe(503);
    expect((await merge(JOB, { metadata: { labels: { t: '1' } } })).status).toBe(503);
    expect((await merge(JOB, { metadata: { labels: { t: '1' } } })).status).toBe(200);
    t.emu.addFault({ path: /\/jobs$/, times: Infinity, action: { type: 'status', status: 504 } });
    expect((await cci('GET', jobsUrl(NS))).status).toBe(504);
    expect((await cci('GET', jobsUrl(NS))).status).toBe(504);
    expect((await cci('GET', jobsUrl(NS, JOB))).status).toBe(200);
    t.emu.clearFaults();
    t.emu.addFault({ action: { type: 'delay', ms: 150 } });
    const t0 = Date.now();
    expect((await cci('GET', jobsUrl(NS, JOB))).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('close() ends hung requests', async () => {
    const other = await startEmulator({ port: 0 });
    other.addFault({ action: { type: 'hang' } });
    const pending = fetch(`${other.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${NS}/jobs/${JOB}`, { headers: { 'X-Auth-Token': TOKEN } });
    await new Promise((r) => setTimeout(r, 100));
    await other.close();
    await expect(pending).rejects.toThrow();
  });
});
