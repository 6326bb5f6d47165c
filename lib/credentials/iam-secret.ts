/**
 * IAM password credentials kept in AWS Secrets Manager (`IAM_CREDENTIALS_SECRET`), SecretString
 * `{"domain","user","password","project"}`. The SDK is imported only on this path, and the
 * secret is cached for the life of the instance until IAM refuses it (then re-read: rotation).
 */
import { readSecretString } from '../aws/secrets-manager';
import { AppError } from '../core/errors';
import type { Deadline } from '../core/deadline';
import { isJsonObject, tryParseJson } from '../core/json';
import { requestProjectToken, type IamPasswordCredentials } from './iam';
import type { TokenSource } from './token-cache';

const FIELDS = ['domain', 'user', 'password', 'project'] as const;

/** A plain check, not a zod schema: this path is rare, and zod would otherwise ride in every bundle. */
function asCredentials(value: unknown): IamPasswordCredentials | undefined {
  if (!isJsonObject(value)) return undefined;
  const v = value;
  for (const f of FIELDS) if (typeof v[f] !== 'string' || v[f] === '') return undefined;
  return { domain: v.domain as string, user: v.user as string, password: v.password as string, project: v.project as string };
}

const secrets = new Map<string, Promise<IamPasswordCredentials>>();

async function loadSecret(secretId: string, deadline: Deadline): Promise<IamPasswordCredentials> {
  const parsed = tryParseJson((await readSecretString(secretId, deadline)) ?? '');
  const creds = asCredentials(parsed);
  if (!creds) {
    // Only the field names are reported: the value is secret.
    throw new AppError(500, 'secret-malformed', `Secret "${secretId}" must be JSON with non-empty string fields domain, user, password, project`);
  }
  return creds;
}

function cachedSecret(secretId: string, deadline: Deadline): Promise<IamPasswordCredentials> {
  let p = secrets.get(secretId);
  if (!p) {
    p = loadSecret(secretId, deadline);
    p.catch(() => secrets.delete(secretId));
    secrets.set(secretId, p);
  }
  return p;
}

export function iamSecretSource(endpoint: string, secretId: string): TokenSource {
  return {
    key: `iam-secret:${endpoint}|${secretId}`,
    fetch: async (deadline: Deadline) => {
      const creds = await cachedSecret(secretId, deadline);
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
