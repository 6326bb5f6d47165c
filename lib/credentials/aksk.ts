/**
 * AK/SK credentials (`CCI_ACCESS_KEY`/`CCI_SECRET_KEY`, or the FunctionGraph context's temporary
 * keys): every request is signed with SDK-HMAC-SHA256 over the body's SHA-256.
 */
import { signRequest, type AkSkCredentials } from './aksk-signer';
import { fingerprint } from './fingerprint';
import type { CciAuth } from './port';

export function akSkAuth(creds: AkSkCredentials): CciAuth {
  return {
    kind: 'aksk',
    fingerprint: fingerprint('aksk', creds.accessKey, creds.secretKey, creds.securityToken, creds.projectId),
    authorize: async (req) => signRequest({ method: req.method, url: req.url, headers: req.headers, body: req.body ?? '' }, creds),
    unauthorized: () => false,
  };
}
