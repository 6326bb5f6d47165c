/**
 * Control interface over HTTP (emulator/control.ts): the /_emulator routes steer a running emulator.
 */
import { describe, expect, it } from 'vitest';
import { cci, JOB3, jobsUrl, NS, useEmulator } from './support';

const t = useEmulator();

describe('control interface', () => {
  it('exposes the control interface over HTTP', async () => {
    const post = (p: string, body?: unknown) =>
      fetch(`${t.emu.url}/_emulator/${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect((await post('faults', { path: { regex: 'openmpi-hello-3' }, times: 1, action: { type: 'status', status: 502, shape: 'gateway' } })).status).toBe(200);
    expect((await cci('GET', jobsUrl(NS, JOB3))).status).toBe(502);
    const { token } = (await (await post('tokens/mint')).json()) as { token: string };
    expect((await cci('GET', jobsUrl(NS, JOB3), { token })).status).toBe(200);
    expect((await post('jobs/bulk', { namespace: 'http-ns', count: 3, prefix: 'h', phase: 'Pending' })).status).toBe(200);
    expect((await post('jobs/http-ns/h-00001/phase', { phase: 'Failed' })).status).toBe(200);
    expect(t.emu.getJob('http-ns', 'h-00001')!.status!.state!.phase).toBe('Failed');
    const stats = (await (await fetch(`${t.emu.url}/_emulator/stats`)).json()) as any;
    expect(stats.cci.get).toBeGreaterThanOrEqual(2);
    const reqs = (await (await fetch(`${t.emu.url}/_emulator/requests`)).json()) as any[];
    expect(reqs.length).toBeGreaterThan(0);
    expect((await post('tokens/revoke')).status).toBe(200);
    expect((await cci('GET', jobsUrl(NS, JOB3), { token })).status).toBe(401);
    expect((await fetch(`${t.emu.url}/_emulator/faults`, { method: 'DELETE' })).status).toBe(200);
    expect((await post('reset-stats')).status).toBe(200);
    expect((await post('continue/expire')).status).toBe(200);
  });
});
