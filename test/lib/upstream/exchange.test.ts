/**
 * One bounded HTTP exchange over real sockets: a tiny node:http server and raw TCP servers that
 * misbehave (never answer, answer half, reset), keep-alive reuse, and Retry-After parsing.
 * Over TLS: one keep-alive agent per TLS configuration (sockets reused within one, never shared
 * across two), the configured CA and server name honoured, and what another attempt cannot cure
 * reported as `tls` (verification failures, keys that do not load), not `network`.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientCertificate, tlsMaterial } from '../../../emulator/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../emulator';
import { exchange, retryAfterFromHeader, type TlsSettings, type UpstreamResult } from '../../../lib/upstream/exchange';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: net.Socket;
}

let server: http.Server;
let base: string;
const seen: Seen[] = [];
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), socket: req.socket });
      if (req.url === '/multi') {
        res.setHeader('x-many', ['a', 'b']);
        res.setHeader('Retry-After', '7');
        res.writeHead(429);
        res.end('slow down');
        return;
      }
      if (req.url === '/split-utf8') {
        // "é" (0xC3 0xA9) split across two chunks: the text must still decode.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write(Buffer.from([0x61, 0xc3]));
        setTimeout(() => res.end(Buffer.from([0xa9, 0x62])), 20);
        return;
      }
      if (req.url?.startsWith('/big/')) {
        // n bytes in 64 KiB chunks, then more forever if asked (`/big/n/endless`).
        const n = Number(req.url.split('/')[2]);
        res.writeHead(200);
        for (let sent = 0; sent < n; sent += 65_536) res.write(Buffer.alloc(Math.min(65_536, n - sent), 0x61));
        if (req.url.endsWith('/endless')) {
          const more = setInterval(() => res.write(Buffer.alloc(65_536, 0x62)), 5);
          res.on('close', () => clearInterval(more));
          return;
        }
        res.end();
        return;
      }
      if (req.url === '/trickle') {
        res.writeHead(200);
        res.write('{"partial":');
        return; // never ends
      }
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

/** A raw TCP server whose connection handler misbehaves; returns its URL, its connections and a closer. */
async function rawServer(onConnection: (s: net.Socket) => void) {
  const conns: net.Socket[] = [];
  const closed: net.Socket[] = [];
  const srv = net.createServer((s) => {
    conns.push(s);
    s.on('close', () => closed.push(s));
    s.on('error', () => undefined);
    // Flowing, so that the client's FIN is read and the close is seen.
    s.resume();
    onConnection(s);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/x`;
  return {
    url,
    conns,
    closed,
    close: () => new Promise<void>((r) => {
      for (const c of conns) c.destroy();
      srv.close(() => r());
    }),
  };
}

const response = (r: UpstreamResult) => {
  if (r.kind !== 'response') throw new Error(`expected a response, got ${JSON.stringify(r)}`);
  return r;
};

describe('exchange: answers', () => {
  it('sends method, headers and body (content-length in bytes); returns status, headers and text', async () => {
    const body = '{"name":"žluťoučký"}';
    const r = response(await exchange({ method: 'PATCH', url: `${base}/apis/x?dryRun=All`, headers: { 'content-type': 'application/merge-patch+json', 'x-auth-token': 't' }, body, timeoutMs: 2_000 }));
    expect(r.status).toBe(201);
    expect(JSON.parse(r.text)).toEqual({ ok: true });
    expect(r.headers.get('Content-Type')).toBe('application/json');
    expect(r.headers.get('x-missing')).toBeNull();
    const s = seen.at(-1)!;
    expect(s).toMatchObject({ method: 'PATCH', url: '/apis/x?dryRun=All', body });
    expect(s.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(s.headers['x-auth-token']).toBe('t');
  });

  it('a lower-case method goes on the wire upper-cased (what the AK/SK signer signs)', async () => {
    response(await exchange({ method: 'patch', url: `${base}/m`, headers: {}, body: '{}', timeoutMs: 2_000 }));
    expect(seen.at(-1)!.method).toBe('PATCH');
  });

  it('no body: no content-length; repeated response headers are joined; non-2xx is a response too', async () => {
    const r = response(await exchange({ method: 'GET', url: `${base}/multi`, headers: {}, timeoutMs: 2_000 }));
    expect(r.status).toBe(429);
    expect(r.text).toBe('slow down');
    expect(r.headers.get('x-many')).toBe('a, b');
    expect(r.headers.get('retry-after')).toBe('7');
    expect(seen.at(-1)!.headers['content-length']).toBeUndefined();
  });

  it('decodes UTF-8 split across chunks', async () => {
    expect(response(await exchange({ method: 'GET', url: `${base}/split-utf8`, headers: {}, timeoutMs: 2_000 })).text).toBe('aéb');
  });

  it('keep-alive: consecutive exchanges reuse one socket', async () => {
    await exchange({ method: 'GET', url: `${base}/a`, headers: {}, timeoutMs: 2_000 });
    await exchange({ method: 'GET', url: `${base}/b`, headers: {}, timeoutMs: 2_000 });
    await exchange({ method: 'GET', url: `${base}/c`, headers: {}, timeoutMs: 2_000 });
    const [a, b, c] = seen.slice(-3);
    expect(b!.socket).toBe(a!.socket);
    expect(c!.socket).toBe(a!.socket);
  });
});

describe('exchange: failures are values, bounded in time', () => {
  it('a server that accepts and never answers: timeout after timeoutMs, and the socket is closed', async () => {
    const srv = await rawServer(() => undefined);
    try {
      const started = Date.now();
      const r = await exchange({ method: 'GET', url: srv.url, headers: {}, timeoutMs: 300 });
      const took = Date.now() - started;
      expect(r).toEqual({ kind: 'timeout' });
      expect(took).toBeGreaterThanOrEqual(290);
      expect(took).toBeLessThan(1_500);
      await new Promise((res) => setTimeout(res, 100));
      expect(srv.conns).toHaveLength(1);
      expect(srv.closed).toEqual(srv.conns);
    } finally {
      await srv.close();
    }
  });

  it('the bound covers the body: headers then a body that never ends is a timeout', async () => {
    const started = Date.now();
    expect(await exchange({ method: 'GET', url: `${base}/trickle`, headers: {}, timeoutMs: 300 })).toEqual({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('a reset before any answer, and a reset mid-body, are network errors', async () => {
    const before = await rawServer((s) => s.once('data', () => s.resetAndDestroy()));
    const mid = await rawServer((s) =>
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"half":');
        setTimeout(() => s.resetAndDestroy(), 20);
      }),
    );
    try {
      const a = await exchange({ method: 'GET', url: before.url, headers: {}, timeoutMs: 2_000 });
      expect(a.kind).toBe('network');
      expect(a.kind === 'network' && a.message).toMatch(/ECONNRESET|socket hang up/);
      const b = await exchange({ method: 'GET', url: mid.url, headers: {}, timeoutMs: 2_000 });
      expect(b.kind).toBe('network');
    } finally {
      await before.close();
      await mid.close();
    }
  });

  it('a refused connection, a bad URL and an unsupported protocol are network errors', async () => {
    const srv = await rawServer(() => undefined);
    const url = srv.url;
    await srv.close();
    const refused = await exchange({ method: 'GET', url, headers: {}, timeoutMs: 2_000 });
    expect(refused.kind === 'network' && refused.message).toMatch(/ECONNREFUSED/);
    expect((await exchange({ method: 'GET', url: 'not a url', headers: {}, timeoutMs: 100 })).kind).toBe('network');
    const ftp = await exchange({ method: 'GET', url: 'ftp://127.0.0.1/x', headers: {}, timeoutMs: 100 });
    expect(ftp).toEqual({ kind: 'network', message: 'unsupported protocol ftp:' });
  });

  it('https: a server certificate nobody trusts is a tls failure (not a retryable network error), never a response', async () => {
    const emu = await startEmulator({ port: 0, tls: true });
    try {
      const r = await exchange({ method: 'GET', url: `${emu.url}/version`, headers: {}, timeoutMs: 2_000 });
      expect(r.kind).toBe('tls');
      expect(r.kind === 'tls' && r.message).toMatch(/certificate|self[- ]signed|CERT|UNABLE/i);
    } finally {
      await emu.close();
    }
  });
});

describe('retryAfterFromHeader', () => {
  it('delta-seconds, an HTTP date (rounded up, never negative), or nothing', () => {
    expect(retryAfterFromHeader('3')).toBe(3);
    expect(retryAfterFromHeader('0')).toBe(0);
    expect(retryAfterFromHeader('1.5')).toBe(1.5);
    expect(retryAfterFromHeader(null)).toBeUndefined();
    expect(retryAfterFromHeader('')).toBeUndefined();
    expect(retryAfterFromHeader('soon')).toBeUndefined();
    const inTen = new Date(Date.now() + 9_500).toUTCString();
    expect(retryAfterFromHeader(inTen)).toBeGreaterThanOrEqual(8);
    expect(retryAfterFromHeader(inTen)).toBeLessThanOrEqual(10);
    expect(retryAfterFromHeader('Wed, 21 Oct 2015 07:28:00 GMT')).toBe(0);
  });
  it('a negative number is not a delay', () => {
    // Date.parse('-5') is a valid (year -5) date in V8: it is in the past, so 0.
    expect(retryAfterFromHeader('-5') ?? 0).toBe(0);
  });
});

describe('exchange over TLS', () => {
  const { serverCa, server: serverPair } = tlsMaterial();
  const OTHER_CA = readFileSync(join(__dirname, '../../../emulator/fixtures/tls/other-ca.pem'), 'utf8');
  let srv: https.Server;
  let url: string;
  let connections = 0;
  beforeAll(async () => {
    srv = https.createServer({ key: serverPair.key, cert: serverPair.cert }, (_req, res) => res.end('ok'));
    srv.on('secureConnection', () => connections++);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(srv.address() as AddressInfo).port}/x`;
  });
  afterAll(async () => {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  });

  const call = (tls?: TlsSettings, target = url) => exchange({ method: 'GET', url: target, headers: {}, timeoutMs: 5_000, ...(tls ? { tls } : {}) });

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

describe('exchange: request line, Host and bodies read once', () => {
  it('sends the path as built, Host as node:http would set it, and no header twice', async () => {
    seen.length = 0;
    const path = "/apis/batch.volcano.sh/v1alpha1/namespaces/a%2Fb/jobs/x-1.y_z~?labelSelector=app%3Dx%2Cenv+in+(a)&limit=5&continue=eyJ2Ijo%3D%2B";
    response(await exchange({ method: 'GET', url: `${base}${path}`, headers: { host: 'evil.example', 'content-length': '99', accept: 'application/json' }, timeoutMs: 2_000 }));
    expect(seen[0]!.url).toBe(path);
    expect(seen[0]!.url).toBe(new URL(`${base}${path}`).pathname + new URL(`${base}${path}`).search);
    expect(seen[0]!.headers.host).toBe(new URL(base).host);
    expect(seen[0]!.headers['content-length']).toBeUndefined();
    expect(seen[0]!.headers.accept).toBe('application/json');
  });

  it.each([
    ['a dot segment', '/a/./b/../c', '/a/c'],
    ['an encoded dot segment', '/a/%2E%2e/c', '/c'],
    ['a space', '/a b', '/a%20b'],
    ['a quote in the query', "/x?q='1'", '/x?q=%271%27'],
    ['a fragment', '/x?a=1#frag', '/x?a=1'],
    ['non-ASCII', '/jobs/é', '/jobs/%C3%A9'],
  ])('a path with %s goes on the wire as new URL() makes it (the signer signs that form)', async (_what, path, wire) => {
    seen.length = 0;
    response(await exchange({ method: 'GET', url: `${base}${path}`, headers: {}, timeoutMs: 2_000 }));
    expect(seen[0]!.url).toBe(wire);
  });

  it('reaches an IPv6 literal host, with Host in brackets', async () => {
    const srv = http.createServer((req, res) => res.end(req.headers.host));
    await new Promise<void>((r) => srv.listen(0, '::1', r));
    const port = (srv.address() as AddressInfo).port;
    const r = response(await exchange({ method: 'GET', url: `http://[::1]:${port}/x`, headers: {}, timeoutMs: 2_000 }));
    expect(r.text).toBe(`[::1]:${port}`);
    await new Promise<void>((done) => srv.close(() => done()));
  });

  it('reuseBody: the bytes are the answer, in a buffer that serves the next answer after release()', async () => {
    const r1 = response(await exchange({ method: 'GET', url: `${base}/split-utf8`, headers: {}, timeoutMs: 2_000, reuseBody: true }));
    expect(r1.body.toString('utf8')).toBe('aéb');
    const backing = r1.body.buffer;
    r1.release();
    expect(() => r1.body).toThrow(/after release/);
    expect(() => r1.text).toThrow(/after release/);
    r1.release(); // twice is harmless
    const r2 = response(await exchange({ method: 'GET', url: `${base}/ok`, headers: {}, timeoutMs: 2_000, reuseBody: true }));
    expect(JSON.parse(r2.text)).toEqual({ ok: true });
    expect(r2.body.buffer).toBe(backing);
    // Text read before release stays readable; an answer read without reuseBody has nothing to release.
    r2.release();
    expect(JSON.parse(r2.text)).toEqual({ ok: true });
    const r3 = response(await exchange({ method: 'GET', url: `${base}/ok`, headers: {}, timeoutMs: 2_000 }));
    r3.release();
    expect(JSON.parse(r3.body.toString('utf8'))).toEqual({ ok: true });
  });
});

describe('exchange: answers over the size bound', () => {
  it('reads a body of exactly maxBodyBytes, and stops at one byte more: too-large, socket closed, nothing kept', async () => {
    const ok = response(await exchange({ method: 'GET', url: `${base}/big/200000`, headers: {}, timeoutMs: 5_000, maxBodyBytes: 200_000 }));
    expect(ok.body.length).toBe(200_000);
    const r = await exchange({ method: 'GET', url: `${base}/big/200001`, headers: {}, timeoutMs: 5_000, maxBodyBytes: 200_000 });
    expect(r).toEqual({ kind: 'too-large', limitBytes: 200_000 });
  });

  it('an answer that never ends is cut at the bound, long before the timeout', async () => {
    const t0 = Date.now();
    const r = await exchange({ method: 'GET', url: `${base}/big/0/endless`, headers: {}, timeoutMs: 20_000, maxBodyBytes: 1_000_000 });
    expect(r).toEqual({ kind: 'too-large', limitBytes: 1_000_000 });
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('the default bound is 16 MiB', async () => {
    const { MAX_BODY_BYTES } = await import('../../../lib/upstream/exchange');
    expect(MAX_BODY_BYTES).toBe(16 * 1024 * 1024);
  });
});
