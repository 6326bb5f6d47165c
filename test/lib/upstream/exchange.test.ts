/**
 * One bounded HTTP exchange over real sockets: a tiny node:http server and raw TCP servers that
 * misbehave (never answer, answer half, reset), keep-alive reuse, and Retry-After parsing.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../emulator';
import { exchange, retryAfterFromHeader, type UpstreamResult } from '../../../lib/upstream/exchange';

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

  it('https: a server certificate nobody trusts is a network error, never a response', async () => {
    const emu = await startEmulator({ port: 0, tls: true });
    try {
      const r = await exchange({ method: 'GET', url: `${emu.url}/version`, headers: {}, timeoutMs: 2_000 });
      expect(r.kind).toBe('network');
      expect(r.kind === 'network' && r.message).toMatch(/certificate|self[- ]signed|CERT|UNABLE/i);
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
