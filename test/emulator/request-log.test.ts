/**
 * Counters and request log (emulator/request-log.ts): every request counted per route, faulted ones included; no password logged.
 */
import { describe, expect, it } from 'vitest';
import { cci, JOB, jobsUrl, merge, NS, PASSWORD_BODY, useEmulator } from './support';

const t = useEmulator();

describe('stats and request log', () => {
  it('counts requests per route including faulted ones', async () => {
    t.emu.resetStats();
    await cci('GET', jobsUrl(NS, JOB));
    await cci('GET', jobsUrl(NS));
    await merge(JOB, { metadata: { labels: { s: '1' } } });
    await cci('PATCH', jobsUrl(NS, JOB) + '/status', { body: { status: { running: 1 } }, contentType: 'application/merge-patch+json' });
    t.emu.addFault({ action: { type: 'status', status: 503 } });
    await cci('GET', jobsUrl(NS, JOB));
    await fetch(`${t.emu.url}/v3/auth/tokens`, { method: 'POST', body: JSON.stringify(PASSWORD_BODY()) });
    const s = t.emu.stats();
    expect(s).toEqual({ iamTokenRequests: 1, smnPublishRequests: 0, cci: { get: 2, list: 1, patch: 1, patchStatus: 1, create: 0, podGroups: 0, total: 5 } });
    const log = t.emu.requests();
    expect(log.map((r) => r.status)).toEqual([200, 200, 200, 200, 503, 201]);
    expect(log[2]!.contentType).toBe('application/merge-patch+json');
    expect(log[5]!.service).toBe('iam');
    expect(JSON.stringify(log)).not.toContain('demo-password');
    t.emu.resetStats();
    expect(t.emu.requests()).toEqual([]);
    expect(t.emu.stats().cci.total).toBe(0);
  });

});
