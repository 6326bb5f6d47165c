/**
 * IAM password credentials kept in AWS Secrets Manager (`IAM_CREDENTIALS_SECRET`), SecretString
 * `{"domain","user","password","project"}`. The SDK is imported only on this path, and the
 * secret is cached for the life of the instance until IAM refuses it (then re-read: rotation).
 */
import { cachedSecret, forgetSecret } from '../aws/secrets-manager';
import { AppError } from '../core/errors';
import { isJsonObject, tryParseJson } from '../core/json';
import { requestProjectToken, type IamPasswordCredentials } from './iam';
import type { TokenSource } from './token-cache';

export { clearSecretCache } from '../aws/secrets-manager';

const FIELDS = ['domain', 'user', 'password', 'project'] as const;

/** A plain check, not a zod schema: this path is rare, and zod would otherwise ride in every bundle. */
function asCredentials(secretId: string, text: string): IamPasswordCredentials {
  const v = tryParseJson(text);
  if (isJsonObject(v) && FIELDS.every((f) => typeof v[f] === 'string' && v[f] !== '')) return v as unknown as IamPasswordCredentials;
  // Only the field names are reported: the value is secret.
  throw new AppError(500, 'secret-malformed', `Secret "${secretId}" must be JSON with non-empty string fields domain, user, password, project`);
}

export function iamSecretSource(endpoint: string, secretId: string): TokenSource {
  return {
    key: `iam-secret:${endpoint}|${secretId}`,
    fetch: async (deadline) => {
      const creds = await cachedSecret('iam', secretId, deadline, (text) => asCredentials(secretId, text));
      try {
        return await requestProjectToken(endpoint, creds, deadline);
      } catch (err) {
        if (err instanceof AppError && err.code === 'iam-refused') forgetSecret('iam', secretId);
        throw err;
      }
    },
  };
}
