/**
 * IAM password credentials kept in AWS Secrets Manager (`IAM_CREDENTIALS_SECRET`), SecretString
 * `{"domain","user","password","project"}`. The SDK is imported only on this path, and the
 * secret is cached for the life of the instance until IAM refuses it (then re-read: rotation).
 */
import { AppError } from '../core/errors';
import type { Deadline } from '../core/deadline';
import { requestProjectToken, type IamPasswordCredentials } from './iam';
import type { TokenSource } from './token-cache';

const FIELDS = ['domain', 'user', 'password', 'project'] as const;

/** A plain check, not a zod schema: this path is rare, and zod would otherwise ride in every bundle. */
function asCredentials(value: unknown): IamPasswordCredentials | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  for (const f of FIELDS) if (typeof v[f] !== 'string' || v[f] === '') return undefined;
  return { domain: v.domain as string, user: v.user as string, password: v.password as string, project: v.project as string };
}

const secrets = new Map<string, Promise<IamPasswordCredentials>>();

async function loadSecret(secretId: string): Promise<IamPasswordCredentials> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({});
  let secretString: string | undefined;
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    secretString = out.SecretString;
  } catch (err) {
    const name = err instanceof Error ? err.name : 'Error';
    throw new AppError(502, 'secret-unavailable', `Could not read secret "${secretId}" from Secrets Manager (${name})`, {
      retryable: true,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString ?? '');
  } catch {
    parsed = undefined;
  }
  const creds = asCredentials(parsed);
  if (!creds) {
    // Only the field names are reported: the value is secret.
    throw new AppError(500, 'secret-malformed', `Secret "${secretId}" must be JSON with non-empty string fields domain, user, password, project`);
  }
  return creds;
}

function cachedSecret(secretId: string): Promise<IamPasswordCredentials> {
  let p = secrets.get(secretId);
  if (!p) {
    p = loadSecret(secretId);
    p.catch(() => secrets.delete(secretId));
    secrets.set(secretId, p);
  }
  return p;
}

export function iamSecretSource(endpoint: string, secretId: string): TokenSource {
  return {
    key: `iam-secret:${endpoint}|${secretId}`,
    fetch: async (deadline: Deadline) => {
      const creds = await cachedSecret(secretId);
      try {
        return await requestProjectToken(endpoint, creds, deadline);
      } catch (err) {
        if (err instanceof AppError && err.code === 'iam-refused') secrets.delete(secretId);
        throw err;
      }
    },
  };
}

export function clearSecretCache(): void {
  secrets.clear();
}
