/**
 * Kubernetes API server credentials (CCE, self-managed clusters): a bearer token
 * (`Authorization: Bearer`, e.g. a service account's) and/or a TLS client certificate and key,
 * from `KUBE_TOKEN` / `KUBE_CLIENT_CERT` + `KUBE_CLIENT_KEY` or a kubeconfig's user. With both,
 * both are sent, as kubectl does (the API server tries the certificate first). Nothing here is
 * ours to refresh: a 401 is final, and its detail says what to hand over instead.
 */
import { AppError } from '../core/errors';
import { fingerprint } from './fingerprint';
import { withHeader, type CciAuth, type TlsMaterial } from './port';

export interface KubeUser extends TlsMaterial {
  token?: string;
  /** From a kubeconfig: its cluster's server. */
  server?: string;
}

export const configError = (detail: string) => new AppError(500, 'config', detail);

/**
 * PEM as given, or the PEM that base64 `value` holds (what kubeconfig `-data` fields and most
 * secret stores carry). Errors name the variable or field, never the bytes.
 */
export function pem(name: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const text = value.includes('-----BEGIN') ? value : Buffer.from(value, 'base64').toString('utf8');
  if (!text.includes('-----BEGIN')) throw configError(`${name} is neither PEM nor base64 of PEM`);
  return text;
}

export function kubeAuth(u: KubeUser): CciAuth {
  const token = u.token?.trim();
  // A header cannot carry other bytes; node:http would throw at send time (a 500 with no hint).
  if (token !== undefined && !/^[!-~]+$/.test(token)) throw configError('The bearer token has bytes a header cannot carry');
  return {
    kind: token ? 'bearer-token' : 'client-certificate',
    fingerprint: fingerprint('kube', token, u.cert, u.key),
    authorize: async (req) => (token ? withHeader(req.headers, 'authorization', `Bearer ${token}`) : req.headers),
    unauthorized: () => false,
    refused: token
      ? '; the bearer token is not ours to refresh: give a valid one'
      : '; the client certificate was refused (expired, or unknown CA)',
    tls: { ca: u.ca, cert: u.cert, key: u.key, servername: u.servername },
    server: u.server,
  };
}
