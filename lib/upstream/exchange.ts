/**
 * One HTTP exchange with an upstream (CCI, any Kubernetes API server, IAM), body included, bounded
 * by a total timeout. Failures come back as values, not throws, so callers decide about retries in
 * one place.
 *
 * node:http / node:https with keep-alive agents rather than fetch: per call they cost a fraction
 * of undici's fetch plus an AbortController, and they are required on first use, so a cold start
 * pays nothing for them at module load. One agent per protocol, and one per TLS configuration (a
 * CA bundle, a client certificate, a server name), found by the configuration's id (a hash, never
 * the PEM itself). A socket that went stale while the function was frozen fails fast with
 * ECONNRESET and is retried by the caller like any network error; a certificate that does not
 * verify (or a key that does not load) is a `tls` failure, which no retry can cure.
 */
import type * as Http from 'node:http';

/** What a TLS connection trusts and presents. Absent fields: the system trust store, no client certificate. */
export interface TlsSettings {
  /** Identifies the settings (a hash of them): one keep-alive agent per id. */
  id: string;
  /** PEM CA bundle trusted instead of the system store. */
  ca?: string;
  /** PEM client certificate and key. */
  cert?: string;
  key?: string;
  /** Name the server's certificate is checked against (and sent as SNI), instead of the URL's host. */
  servername?: string;
}

export interface UpstreamRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** For https:// URLs. */
  tls?: TlsSettings;
}

/** The one thing callers read from response headers; `Headers` satisfies it too. */
export interface HeaderLookup {
  get(name: string): string | null;
}

export type UpstreamResult =
  | { kind: 'response'; status: number; headers: HeaderLookup; text: string }
  | { kind: 'timeout' }
  | { kind: 'network'; message: string }
  | { kind: 'tls'; message: string };

interface Transport {
  request: typeof Http.request;
  agent: Http.Agent;
}

/** Warm instances keep their agents; distinct TLS configurations are few, but the map is bounded all the same. */
const MAX_TRANSPORTS = 16;
const transports = new Map<string, Transport>();

function transportFor(protocol: string, tls: TlsSettings | undefined): Transport {
  const secure = protocol === 'https:';
  if (!secure && protocol !== 'http:') throw new Error(`unsupported protocol ${protocol}`);
  const key = secure ? `s${tls?.id ?? ''}` : 'h';
  let t = transports.get(key);
  if (!t) {
    const mod = require(secure ? 'node:https' : 'node:http') as typeof import('node:https');
    // The TLS fields are https.Agent options as they are (its id is not one: ignored).
    t = { request: mod.request, agent: new mod.Agent({ keepAlive: true, maxSockets: 64, timeout: 60_000, ...(secure ? tls : undefined) }) };
    if (transports.size >= MAX_TRANSPORTS) transports.delete(transports.keys().next().value!);
    transports.set(key, t);
  }
  return t;
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
    let timer: NodeJS.Timeout | undefined;
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
      transport = transportFor(url.protocol, req.tls);
    } catch (err) {
      resolve({ kind: 'network', message: err instanceof Error ? err.message : 'bad URL' });
      return;
    }
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
    let r: Http.ClientRequest;
    try {
      r = transport.request(url, { method: req.method, headers, agent: transport.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done({ kind: 'response', status: res.statusCode ?? 0, headers: headerLookup(res.headers), text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (err) => done(failureOf(err)));
        res.on('aborted', () => done({ kind: 'network', message: 'response aborted' }));
      });
    } catch (err) {
      // A key or certificate that does not load throws here, when the agent opens the socket.
      const f = failureOf(err);
      if (f.kind !== 'tls') throw err;
      return done(f);
    }
    // The whole exchange, body included, is bounded; the socket is destroyed, not left dangling.
    timer = setTimeout(() => {
      done({ kind: 'timeout' });
      r.destroy();
    }, Math.max(1, req.timeoutMs));
    r.on('error', (err) => done(failureOf(err)));
    r.end(req.body);
  });
}

/**
 * OpenSSL's verification codes (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED,
 * SELF_SIGNED_CERT_IN_CHAIN, ...), Node's ERR_TLS_* / ERR_SSL_* / ERR_OSSL_* (a wrong server name,
 * a TLS alert from the server, a key that does not match its certificate).
 */
const TLS_CODE = /CERT|SSL|TLS|OSSL|VERIFY|SELF_SIGNED|ISSUER/;

function failureOf(err: unknown): Exclude<UpstreamResult, { kind: 'response' | 'timeout' }> {
  if (!(err instanceof Error)) return { kind: 'network', message: 'network error' };
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return { kind: 'network', message: err.message };
  const message = `${code}: ${err.message}`;
  return TLS_CODE.test(code) && !code.includes('TIMEOUT') ? { kind: 'tls', message } : { kind: 'network', message };
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
