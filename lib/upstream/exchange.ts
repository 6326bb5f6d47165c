/**
 * One HTTP exchange with an upstream (CCI or IAM), body included, bounded by a total timeout.
 * Failures come back as values, not throws, so callers decide about retries in one place.
 *
 * node:http / node:https with keep-alive agents rather than fetch: per call they cost a fraction
 * of undici's fetch plus an AbortController, and they are required on first use, so a cold start
 * pays nothing for them at module load. A socket that went stale while the function was frozen
 * fails fast with ECONNRESET and is retried by the caller like any network error.
 */
import type * as Http from 'node:http';

export interface UpstreamRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/** The one thing callers read from response headers; `Headers` satisfies it too. */
export interface HeaderLookup {
  get(name: string): string | null;
}

export type UpstreamResult =
  | { kind: 'response'; status: number; headers: HeaderLookup; text: string }
  | { kind: 'timeout' }
  | { kind: 'network'; message: string };

interface Transport {
  request: typeof Http.request;
  agent: Http.Agent;
}

let httpTransport: Transport | undefined;
let httpsTransport: Transport | undefined;

function transportFor(protocol: string): Transport {
  if (protocol === 'https:') {
    if (!httpsTransport) {
      const https = require('node:https') as typeof import('node:https');
      httpsTransport = { request: https.request, agent: new https.Agent({ keepAlive: true, maxSockets: 64, timeout: 60_000 }) };
    }
    return httpsTransport;
  }
  if (protocol === 'http:') {
    if (!httpTransport) {
      const http = require('node:http') as typeof import('node:http');
      httpTransport = { request: http.request, agent: new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 60_000 }) };
    }
    return httpTransport;
  }
  throw new Error(`unsupported protocol ${protocol}`);
}

function headerLookup(raw: Http.IncomingHttpHeaders): HeaderLookup {
  return {
    get: (name) => {
      const v = raw[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };
}

export function exchange(req: UpstreamRequest): Promise<UpstreamResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: UpstreamResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    let url: URL;
    let transport: Transport;
    try {
      url = new URL(req.url);
      transport = transportFor(url.protocol);
    } catch (err) {
      resolve({ kind: 'network', message: err instanceof Error ? err.message : 'bad URL' });
      return;
    }
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
    const r = transport.request(
      url,
      { method: req.method, headers, agent: transport.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done({ kind: 'response', status: res.statusCode ?? 0, headers: headerLookup(res.headers), text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (err) => done({ kind: 'network', message: describeNetworkError(err) }));
        res.on('aborted', () => done({ kind: 'network', message: 'response aborted' }));
      },
    );
    // The whole exchange, body included, is bounded; the socket is destroyed, not left dangling.
    const timer = setTimeout(() => {
      done({ kind: 'timeout' });
      r.destroy();
    }, Math.max(1, req.timeoutMs));
    r.on('error', (err) => done({ kind: 'network', message: describeNetworkError(err) }));
    r.end(req.body);
  });
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return 'network error';
  const code = (err as { code?: string }).code;
  return code ? `${code}: ${err.message}` : err.message;
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), if any. */
export function retryAfterFromHeader(value: string | null): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (Number.isFinite(n) && n >= 0) return n;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
