/**
 * HTTPS for the emulator (`startEmulator({ tls: true })`), so the functions' TLS paths (a custom CA,
 * client-certificate authentication, kubeconfigs with certificate data) run against a real TLS
 * handshake. The certificates are committed test fixtures (emulator/fixtures/tls/generate.sh):
 * Node cannot create X.509 certificates itself, and fixed files keep tests free of a certificate library.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

const DIR = join(__dirname, 'fixtures', 'tls');
const read = (name: string): string => readFileSync(join(DIR, name), 'utf8');

export type ClientCertKind = 'valid' | 'expired' | 'unknown-ca';

export interface CertAndKey {
  cert: string;
  key: string;
}

export interface TlsMaterial {
  /** CA that signed the server certificate: what clients must trust (`KUBE_CA_CERT`). */
  serverCa: string;
  server: CertAndKey;
  /** CA whose client certificates the emulator accepts. */
  clientCa: string;
}

let cached: TlsMaterial | undefined;

export function tlsMaterial(): TlsMaterial {
  cached ??= {
    serverCa: read('server-ca.pem'),
    server: { cert: read('server.pem'), key: read('server-key.pem') },
    clientCa: read('client-ca.pem'),
  };
  return cached;
}

const CLIENT_FILES: Record<ClientCertKind, string> = {
  valid: 'client-valid',
  expired: 'client-expired',
  'unknown-ca': 'client-unknown-ca',
};

/** CNs of the fixture client certificates (the user the emulator sees). */
export const CLIENT_CERT_USERS: Record<ClientCertKind, string> = {
  valid: 'emulator-user',
  expired: 'expired-user',
  'unknown-ca': 'emulator-user',
};

/**
 * A client certificate and key: `valid` (signed by the client CA, CN `emulator-user`), `expired`
 * (same CA, ended 2020-01-01) or `unknown-ca` (signed by a CA the emulator does not trust).
 */
export function clientCertificate(kind: ClientCertKind): CertAndKey {
  const base = CLIENT_FILES[kind];
  return { cert: read(`${base}.pem`), key: read(`${base}-key.pem`) };
}

export type PeerCertificate = { state: 'none' } | { state: 'valid'; user: string } | { state: 'invalid'; reason: string };

/** What the TLS handshake says about the client certificate of this request. */
export function peerCertificate(req: IncomingMessage): PeerCertificate {
  const sock = req.socket as Partial<TLSSocket>;
  if (typeof sock.getPeerCertificate !== 'function') return { state: 'none' };
  const peer = sock.getPeerCertificate();
  if (!peer || Object.keys(peer).length === 0) return { state: 'none' };
  if (!sock.authorized) return { state: 'invalid', reason: String(sock.authorizationError ?? 'certificate not trusted') };
  const cn = peer.subject?.CN;
  const user = Array.isArray(cn) ? cn[0] : cn;
  return user ? { state: 'valid', user } : { state: 'invalid', reason: 'certificate has no CN' };
}
