/**
 * CciClient.patchJob with `discardAnswer` (the sweep's annotation writes) against the emulator over
 * real HTTP: a 2xx answer is not parsed (even one that is not a Job), the write still happens, and
 * every failure is reported exactly as without the option.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../../emulator';
import { CciClient, PATCH_TYPES } from '../../../lib/cci/client';
import { Deadline } from '../../../lib/core/deadline';
import { AppError } from '../../../lib/core/errors';
import type { CciAuth } from '../../../lib/credentials';

let emu: Emulator;
let client: CciClient;
const NS = 'discard';
const auth: CciAuth = {
  kind: 'static-token',
  fingerprint: 'test',
  authorize: async (req) => ({ ...req.headers, 'x-auth-token': 'local-dev-token' }),
  unauthorized: () => false,
};
const patch = (v: string) => JSON.stringify({ metadata: { annotations: { 'volcano-job-functions/last-phase': v } } });
const backoff = { steps: 2, durationMs: 1, factor: 1, jitter: 0 };

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: false });
  emu.createJobs(NS, 2, { prefix: 'j' });
  client = new CciClient({ endpoint: emu.url, auth, backoff });
});
afterEach(() => emu.clearFaults());
afterAll(() => emu.close());

describe('patchJob with discardAnswer', () => {
  it('resolves to undefined and the write is made', async () => {
    const out = await client.patchJob(NS, 'j-00000', PATCH_TYPES.merge, patch('Running'), { fieldManager: 'test', discardAnswer: true }, Deadline.after(5_000));
    expect(out).toBeUndefined();
    expect(emu.getJob(NS, 'j-00000')?.metadata.annotations).toEqual({ 'volcano-job-functions/last-phase': 'Running' });
  });

  it('does not read a 2xx answer at all: one that is not a Job is not a bad answer', async () => {
    emu.addFault({ service: 'cci', method: 'PATCH', times: 1, action: { type: 'status', status: 200, shape: 'text', body: '<html>proxy</html>' } });
    await expect(client.patchJob(NS, 'j-00001', PATCH_TYPES.merge, patch('Running'), { discardAnswer: true }, Deadline.after(5_000))).resolves.toBeUndefined();
    // Without the option the same answer is refused.
    emu.addFault({ service: 'cci', method: 'PATCH', times: 1, action: { type: 'status', status: 200, shape: 'text', body: '<html>proxy</html>' } });
    await expect(client.patchJob(NS, 'j-00001', PATCH_TYPES.merge, patch('Running'), {}, Deadline.after(5_000))).rejects.toMatchObject({ status: 502, code: 'cci-bad-answer' });
  });

  it('fails as usual: 404, 422, 5xx after retries', async () => {
    const call = (name: string) => client.patchJob(NS, name, PATCH_TYPES.merge, patch('Failed'), { discardAnswer: true }, Deadline.after(5_000));
    await expect(call('missing')).rejects.toMatchObject({ status: 404, code: 'job-not-found' });
    emu.addFault({ service: 'cci', method: 'PATCH', times: 1, action: { type: 'status', status: 422 } });
    await expect(call('j-00000')).rejects.toMatchObject({ status: 422, code: 'cci-rejected' });
    emu.addFault({ service: 'cci', method: 'PATCH', times: 5, action: { type: 'status', status: 503 } });
    const err = await call('j-00000').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 503, code: 'cci-unavailable' });
  });
});
