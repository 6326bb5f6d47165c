import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../../emulator';
import { AppError } from '../../../lib/core/errors';
import { Deadline } from '../../../lib/core/deadline';
import { parseExpiresAt, requestProjectToken } from '../../../lib/credentials/iam';
import { clearSecretCache, iamSecretSource } from '../../../lib/credentials/iam-secret';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.clearFaults();
  emu.resetStats();
  clearSecretCache();
});

const creds = { domain: 'demo-domain', user: 'demo-user', password: 'demo-password', project: 'cn-north-4' };

describe('IAM password tokens', () => {
  it('parses expires_at with microseconds', () => {
    expect(parseExpiresAt('2020-01-04T09:05:22.701000Z')).toBe(Date.UTC(2020, 0, 4, 9, 5, 22, 701));
    expect(parseExpiresAt('2020-01-04T09:05:22Z')).toBe(Date.UTC(2020, 0, 4, 9, 5, 22));
    expect(parseExpiresAt('soon')).toBeUndefined();
  });

  it('gets a ~9 KB project-scoped token from X-Subject-Token with its expiry', async () => {
    const t = await requestProjectToken(emu.url, creds, Deadline.after(5_000));
    expect(t.token.length).toBeGreaterThan(8_000);
    expect(t.expiresAt - Date.now()).toBeGreaterThan(23 * 3600_000);
    const req = emu.requests().find((r) => r.service === 'iam')!;
    expect(req.path).toBe('/v3/auth/tokens');
    expect(req.query).toContain('nocatalog=true');
  });

  it('a refusal is a 502 naming the user, never the password', async () => {
    const err = await requestProjectToken(emu.url, { ...creds, password: 'sekrit-pw-42' }, Deadline.after(5_000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(502);
    expect((err as AppError).message).toContain('demo-user');
    expect((err as AppError).message).not.toContain('sekrit-pw-42');
    expect(emu.stats().iamTokenRequests).toBe(1); // a refusal is not retried
  });

  it('retries IAM 5xx and 429, then gives 503', async () => {
    emu.addFault({ service: 'iam', times: 2, action: { type: 'status', status: 503 } });
    await expect(requestProjectToken(emu.url, creds, Deadline.after(10_000))).resolves.toMatchObject({ token: expect.any(String) });
    emu.addFault({ service: 'iam', times: Infinity, action: { type: 'status', status: 429 } });
    const err = (await requestProjectToken(emu.url, creds, Deadline.after(10_000)).catch((e: unknown) => e)) as AppError;
    expect(err.status).toBe(503);
  });
});

describe('IAM credentials from Secrets Manager', () => {
  const sm = mockClient(SecretsManagerClient);
  beforeEach(() => sm.reset());

  it('reads the secret once, then reuses it for later tokens', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'cci/creds' }).resolves({ SecretString: JSON.stringify(creds) });
    const src = iamSecretSource(emu.url, 'cci/creds');
    await src.fetch(Deadline.after(5_000));
    await src.fetch(Deadline.after(5_000));
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(emu.stats().iamTokenRequests).toBe(2);
  });

  it('a malformed secret is a clear error that shows no value', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ user: 'u', password: 'pw-in-secret' }) });
    const err = (await iamSecretSource(emu.url, 'cci/bad').fetch(Deadline.after(5_000)).catch((e: unknown) => e)) as AppError;
    expect(err.message).toMatch(/domain, user, password, project/);
    expect(err.message).not.toContain('pw-in-secret');
  });

  it('re-reads the secret after IAM refuses it (rotation)', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: JSON.stringify({ ...creds, password: 'old' }) }).resolves({ SecretString: JSON.stringify(creds) });
    const src = iamSecretSource(emu.url, 'cci/rotating');
    await expect(src.fetch(Deadline.after(5_000))).rejects.toMatchObject({ status: 502 });
    await expect(src.fetch(Deadline.after(5_000))).resolves.toMatchObject({ token: expect.any(String) });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('Secrets Manager errors become a 502 without detail leakage', async () => {
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('AccessDenied for arn:...'), { name: 'AccessDeniedException' }));
    const err = (await iamSecretSource(emu.url, 'cci/denied').fetch(Deadline.after(5_000)).catch((e: unknown) => e)) as AppError;
    expect(err.status).toBe(502);
    expect(err.message).toContain('AccessDeniedException');
  });
});
