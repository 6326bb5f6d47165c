/**
 * exchange() over TLS: one keep-alive agent per TLS configuration (sockets reused within one,
 * never shared across two), the configured CA and server name honoured, and what cannot be cured by
 * another attempt reported as `tls` (verification failures, keys that do not load), not `network`.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCertificate, tlsMaterial } from '../../../emulator/tls';
import { exchange, type TlsSettings } from '../../../lib/upstream/exchange';

const { serverCa, server } = tlsMaterial();
const OTHER_CA = readFileSync(join(__dirname, '../../../emulator/fixtures/tls/other-ca.pem'), 'utf8');

let srv: https.Server;
let url: string;
let connections = 0;
beforeAll(async () => {
  srv = https.createServer({ key: server.key, cert: server.cert }, (_req, res) => res.end('ok'));
  srv.on('secureConnection', () => connections++);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(srv.address() as AddressInfo).port}/x`;
});
afterAll(async () => {
  srv.closeAllConnections();
  await new Promise((r) => srv.close(r));
});

const call = (tls?: TlsSettings, target = url) => exchange({ method: 'GET', url: target, headers: {}, timeoutMs: 5_000, ...(tls ? { tls } : {}) });

describe('exchange over TLS', () => {
  it('trusts the configured CA, and reuses the connection of the same configuration', async () => {
    const before = connections;
    const good: TlsSettings = { id: 'good', ca: serverCa };
    expect(await call(good)).toMatchObject({ kind: 'response', status: 200, text: 'ok' });
    expect(await call(good)).toMatchObject({ kind: 'response', status: 200 });
    expect(connections - before).toBe(1);
  });

  it('keeps configurations apart: a wrong CA fails even after the right one worked', async () => {
    expect(await call({ id: 'good', ca: serverCa })).toMatchObject({ kind: 'response' });
    const wrong = await call({ id: 'other', ca: OTHER_CA });
    expect(wrong).toEqual({ kind: 'tls', message: expect.stringMatching(/^UNABLE_TO_VERIFY_LEAF_SIGNATURE: /) });
    // No CA configured: the system store, which does not know the test CA.
    expect(await call()).toMatchObject({ kind: 'tls' });
    expect(await call({ id: 'good', ca: serverCa })).toMatchObject({ kind: 'response' });
  });

  it('checks the certificate against servername when given', async () => {
    expect(await call({ id: 'sn-localhost', ca: serverCa, servername: 'localhost' })).toMatchObject({ kind: 'response' });
    expect(await call({ id: 'sn-other', ca: serverCa, servername: 'kubernetes.default' })).toMatchObject({
      kind: 'tls',
      message: expect.stringMatching(/^ERR_TLS_CERT_ALTNAME_INVALID/),
    });
  });

  it('a key that does not load is a tls failure, whose message holds no key bytes', async () => {
    const c = clientCertificate('valid');
    const mismatch = await call({ id: 'mismatch', ca: serverCa, cert: c.cert, key: clientCertificate('unknown-ca').key });
    expect(mismatch).toMatchObject({ kind: 'tls', message: expect.stringMatching(/^ERR_OSSL_X509_KEY_VALUES_MISMATCH/) });
    const garbage = await call({ id: 'garbage', ca: serverCa, cert: c.cert, key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' });
    expect(garbage).toMatchObject({ kind: 'tls' });
    expect(JSON.stringify([mismatch, garbage])).not.toMatch(/BEGIN|AAAA/);
  });

  it('a refused connection stays a network failure (retryable)', async () => {
    const closed = https.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await call({ id: 'good', ca: serverCa }, `https://127.0.0.1:${port}/`)).toMatchObject({ kind: 'network', message: expect.stringMatching(/^ECONNREFUSED/) });
  });
});
