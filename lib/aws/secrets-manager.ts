/**
 * Reads a secret's SecretString from AWS Secrets Manager, bounded by the invocation's deadline
 * (an abort signal), with the SDK imported on first use: only functions configured with a secret
 * pay for it. Errors name the secret and the SDK's error name, never the value.
 * `cachedSecret` keeps what a secret parses to for the life of the instance (one read, shared by
 * concurrent callers); a failed read or parse is not kept, and `forgetSecret` drops one that the
 * service it is for refused (so a rotated secret is read again).
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { abortAfter, type Deadline } from '../core/deadline';
import { AppError } from '../core/errors';

let clientPromise: Promise<{ client: SecretsManagerClient; GetSecretValueCommand: typeof import('@aws-sdk/client-secrets-manager').GetSecretValueCommand }> | undefined;

function secretsManager() {
  clientPromise ??= import('@aws-sdk/client-secrets-manager').then(({ SecretsManagerClient, GetSecretValueCommand }) => ({
    client: new SecretsManagerClient({}),
    GetSecretValueCommand,
  }));
  return clientPromise;
}

export async function readSecretString(secretId: string, deadline: Deadline): Promise<string | undefined> {
  const { client, GetSecretValueCommand } = await secretsManager();
  const ms = deadline.remaining();
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }), { abortSignal: abortAfter(ms) });
    return out.SecretString;
  } catch (err) {
    const name = err instanceof Error ? err.name : 'Error';
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new AppError(504, 'secret-timeout', `Secrets Manager did not answer for secret "${secretId}" within the deadline`, { retryable: true });
    }
    throw new AppError(502, 'secret-unavailable', `Could not read secret "${secretId}" from Secrets Manager (${name})`, { retryable: true });
  }
}

const cache = new Map<string, Promise<unknown>>();

/** What secret `secretId` parses to, for `use` (a name that keeps different readers of one secret apart). */
export function cachedSecret<T>(use: string, secretId: string, deadline: Deadline, parse: (text: string) => T): Promise<T> {
  const key = `${use}\0${secretId}`;
  let p = cache.get(key) as Promise<T> | undefined;
  if (!p) {
    p = readSecretString(secretId, deadline).then((text) => parse(text ?? ''));
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

export const forgetSecret = (use: string, secretId: string) => cache.delete(`${use}\0${secretId}`);

/** For tests: a cold module. */
export const clearSecretCache = () => cache.clear();
