/** IAM password credentials kept in Secrets Manager (aws-sdk-client-mock), tokens from the emulator's IAM. */
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../lib/core/errors';
import { Deadline } from '../../../lib/core/deadline';
import { clearSecretCache, iamSecretSource } from '../../../lib/credentials/iam-secret';
import { useEmulator } from '../../support/harness';

const emu = useEmulator();
beforeEach(() => {
  clearSecretCache();
});

const creds = { domain: 'demo-domain', user: 'demo-user', password: 'demo-password', project: 'cn-north-4' };

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

describe('IAM secret source, more', () => {
  const sm = mockClient(SecretsManagerClient);
  afterAll(() => sm.restore());
  beforeEach(() => sm.reset());

  it('the cache key names the endpoint and the secret id only', () => {
    expect(iamSecretSource('https://iam', 'arn:aws:secretsmanager:x:1:secret:cci').key).toBe('iam-secret:https://iam|arn:aws:secretsmanager:x:1:secret:cci');
  });

  it.each([
    ['not JSON', 'domain=x'],
    ['an array', '[]'],
    ['an empty field', JSON.stringify({ ...creds, project: '' })],
    ['a number field', JSON.stringify({ ...creds, password: 5 })],
    ['no SecretString', undefined],
  ])('a secret that is %s is a 500 secret-malformed, and is read again next time', async (_what, value) => {
    sm.on(GetSecretValueCommand).resolves(value === undefined ? {} : { SecretString: value });
    const src = iamSecretSource(emu.url, 'cci/malformed');
    await expect(src.fetch(Deadline.after(5_000))).rejects.toMatchObject({ status: 500, code: 'secret-malformed' });
    await expect(src.fetch(Deadline.after(5_000))).rejects.toBeInstanceOf(AppError);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(emu.stats().iamTokenRequests).toBe(0);
  });

  it('an IAM outage (not a refusal) keeps the cached secret', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(creds) });
    const src = iamSecretSource(emu.url, 'cci/outage');
    emu.addFault({ service: 'iam', times: Infinity, action: { type: 'status', status: 503 } });
    await expect(src.fetch(Deadline.after(5_000))).rejects.toMatchObject({ status: 503 });
    emu.clearFaults();
    await expect(src.fetch(Deadline.after(5_000))).resolves.toMatchObject({ token: expect.any(String) });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });
});
