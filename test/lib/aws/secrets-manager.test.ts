/** Reading a SecretString (aws-sdk-client-mock): bounded by the deadline, errors name the secret and the SDK error, never a value. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { readSecretString } from '../../../lib/aws/secrets-manager';
import { Deadline } from '../../../lib/core/deadline';

const sm = mockClient(SecretsManagerClient);
afterAll(() => sm.restore());
beforeEach(() => {
  sm.reset();
  process.env.AWS_REGION ??= 'eu-west-1';
});

describe('readSecretString', () => {
  it('returns the SecretString (undefined for a binary secret), passing an abort signal', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'a' }).resolves({ SecretString: '{"x":1}' });
    sm.on(GetSecretValueCommand, { SecretId: 'bin' }).resolves({ SecretBinary: new Uint8Array([1]) });
    expect(await readSecretString('a', Deadline.after(1_000))).toBe('{"x":1}');
    expect(await readSecretString('bin', Deadline.after(1_000))).toBeUndefined();
    const call = sm.commandCalls(GetSecretValueCommand)[0]!;
    expect(call.args[0].input).toEqual({ SecretId: 'a' });
  });

  it('the call carries an abort signal that fires at the deadline; the SDK\'s abort is a 504 secret-timeout', async () => {
    // aws-sdk-client-mock does not honour abort signals: the fake rejects as the SDK does when its signal fires.
    let signal: AbortSignal | undefined;
    sm.send.callsFake((_command: unknown, options?: { abortSignal?: AbortSignal }) => {
      signal = options?.abortSignal;
      return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }))));
    });
    const started = Date.now();
    await expect(readSecretString('slow', Deadline.after(200))).rejects.toMatchObject({ status: 504, code: 'secret-timeout', retryable: true, message: expect.stringContaining('"slow"') });
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(1_000);
    sm.reset();
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('t'), { name: 'TimeoutError' }));
    await expect(readSecretString('slow', Deadline.after(100))).rejects.toMatchObject({ status: 504 });
  });

  it('any other failure is a 502 naming the error, not its message', async () => {
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('User arn:aws:iam::1:role/x is not authorized; value=hunter2'), { name: 'AccessDeniedException' }));
    const err = (await readSecretString('cci/creds', Deadline.after(1_000)).catch((e: unknown) => e)) as Error & { status: number };
    expect(err).toMatchObject({ status: 502, code: 'secret-unavailable', retryable: true });
    expect(err.message).toBe('Could not read secret "cci/creds" from Secrets Manager (AccessDeniedException)');
  });
});
