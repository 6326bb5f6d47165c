/**
 * A token handed over ready-made (`CCI_TOKEN`, or the FunctionGraph context's agency token),
 * sent as `X-Auth-Token`. Nothing to refresh: a 401 is final.
 */
import { fingerprint } from './fingerprint';
import { withHeader, type CciAuth } from './port';

export function staticTokenAuth(token: string, kind: 'static-token' | 'agency-token' = 'static-token'): CciAuth {
  return {
    kind,
    fingerprint: fingerprint(kind, token),
    authorize: async (req) => withHeader(req.headers, 'x-auth-token', token),
    unauthorized: () => false,
  };
}
