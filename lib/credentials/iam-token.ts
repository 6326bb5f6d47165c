/**
 * IAM-issued tokens (password credentials from the environment or Secrets Manager), sent as
 * `X-Auth-Token` from the shared token cache; a 401 drops the token that failed so the next
 * attempt gets a fresh one.
 */
import { withHeader, type CciAuth } from './port';
import { dropToken, getToken, type TokenSource } from './token-cache';

export function iamTokenAuth(source: TokenSource): CciAuth {
  return {
    kind: 'iam-token',
    fingerprint: source.key,
    authorize: async (req, deadline) => withHeader(req.headers, 'x-auth-token', await getToken(source, deadline)),
    unauthorized: (headers) => {
      const used = headers['x-auth-token'];
      if (used) dropToken(source.key, used);
      return true;
    },
  };
}
