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
import { keptPerKey } from '../core/lazy';

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
  /**
   * The caller reads the answer at once and calls `release()`: the body is copied into a reused
   * scratch buffer instead of a new one (see BODY_POOL).
   */
  reuseBody?: boolean;
  /** Largest body accepted (default MAX_BODY_BYTES); a longer answer is not read further: `too-large`. */
  maxBodyBytes?: number;
}

/**
 * Far above any answer a Volcano or IAM call gives (an object is at most ~1.5 MB in etcd; the
 * sweep sizes its pages to ~256 KiB; a Lambda answer is at most 6 MB), far below what a 128 MB
 * function can hold twice over (the bytes, then what is parsed from them).
 */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The one thing callers read from response headers; `Headers` satisfies it too. */
export interface HeaderLookup {
  get(name: string): string | null;
}

export type UpstreamResult =
  | UpstreamResponse
  | { kind: 'timeout' }
  | { kind: 'too-large'; limitBytes: number }
  | { kind: 'network'; message: string }
  | { kind: 'tls'; message: string };

/**
 * Scratch buffers for answers that are read at once and dropped (`reuseBody`: the sweep's pages).
 * A new buffer per page is external memory that only a full collection frees, and a sweep that
 * keeps little on the heap runs few of those: a fleet's pages would pile up (27 MiB at 40,000
 * jobs). Reused, they stay at one buffer per page in flight. Bounded in count and in size: a
 * larger answer gets a buffer of its own.
 */
const BODY_POOL: Buffer[] = [];
const BODY_POOL_COUNT = 8;
const BODY_POOL_MAX_BYTES = 4 * 1024 * 1024;
const BODY_POOL_MIN_BYTES = 256 * 1024;

class UpstreamResponse {
  readonly kind = 'response';
  #text: string | undefined;
  /** Undefined once released. */
  #body: Buffer | undefined;
  #scratch: Buffer | undefined;
  constructor(
    readonly status: number,
    readonly headers: HeaderLookup,
    body: Buffer,
    scratch?: Buffer,
  ) {
    this.#body = body;
    this.#scratch = scratch;
  }
  /** The body as received (with `reuseBody`, until `release()`). */
  get body(): Buffer {
    if (!this.#body) throw new Error('upstream answer read after release()');
    return this.#body;
  }
  /** The body as UTF-8 text, decoded on first read (a caller that reads the bytes, or nothing, never pays for it). */
  get text(): string {
    return (this.#text ??= this.body.toString('utf8'));
  }
  /** Done with the body: its memory may serve the next answer, and reading it again throws. */
  release(): void {
    const scratch = this.#scratch;
    if (!scratch) return;
    this.#body = undefined;
    this.#scratch = undefined;
    if (BODY_POOL.length < BODY_POOL_COUNT) BODY_POOL.push(scratch);
  }
}

export type { UpstreamResponse };

function bodyOf(chunks: Buffer[], reuse: boolean | undefined): { body: Buffer; scratch?: Buffer } {
  if (chunks.length === 1 && !reuse) return { body: chunks[0]! };
  let total = 0;
  for (const c of chunks) total += c.length;
  if (!reuse || total > BODY_POOL_MAX_BYTES) return { body: Buffer.concat(chunks, total) };
  const at = BODY_POOL.findIndex((b) => b.length >= total);
  const scratch = at >= 0 ? BODY_POOL.splice(at, 1)[0]! : Buffer.allocUnsafeSlow(Math.max(BODY_POOL_MIN_BYTES, total));
  let offset = 0;
  for (const c of chunks) offset += c.copy(scratch, offset);
  return { body: scratch.subarray(0, total), scratch };
}

interface Transport {
  request: typeof Http.request;
  agent: Http.Agent;
}

/** Warm instances keep their agents; distinct TLS configurations are few, but they are bounded all the same. */
const MAX_TRANSPORTS = 16;
const transports = keptPerKey<string, Transport>(MAX_TRANSPORTS);

function transportFor(protocol: string, tls: TlsSettings | undefined): Transport {
  const secure = protocol === 'https:';
  if (!secure && protocol !== 'http:') throw new Error(`unsupported protocol ${protocol}`);
  return transports(secure ? `s${tls?.id ?? ''}` : 'h', () => {
    const mod = require(secure ? 'node:https' : 'node:http') as typeof import('node:https');
    // The TLS fields are https.Agent options as they are (its id is not one: ignored).
    return { request: mod.request, agent: new mod.Agent({ keepAlive: true, maxSockets: 64, timeout: 60_000, ...(secure ? tls : undefined) }) };
  });
}

function headerLookup(raw: Http.IncomingHttpHeaders): HeaderLookup {
  return {
    get: (name) => {
      const v = raw[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };
}

/** Where a URL goes: the parts node:http takes, and the Host header it would send (port only when not the default). */
interface Target {
  protocol: string;
  hostname: string;
  port: string;
  host: string;
  path: string;
}

/**
 * A path as `new URL()` would send it, verbatim: characters that need no encoding and no dot
 * segment. Such paths (every path this project builds) skip URL parsing; any other goes through
 * `new URL()`, which the request signer uses too, so both always see the same path.
 */
const PLAIN_PATH = /^\/[A-Za-z0-9\-_~!$&()*+,;=:@%/?.]*$/;
/** A dot segment, plain or percent-encoded (`new URL()` resolves both). */
const DOT_SEGMENT = /\/(?:\.|%2e)/i;
/** An origin's parts, read from its URL once (URL getters build new strings on every read). */
const origins = keptPerKey<string, Target>(MAX_TRANSPORTS);

function targetOf(url: string): Target {
  const scheme = url.indexOf('://');
  const slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
  const path = slash < 0 ? '' : url.slice(slash);
  if (slash >= 0 && PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) {
    const origin = url.slice(0, slash);
    const o = origins(origin, () => targetAt(new URL(origin), ''));
    // Fields named, not `{ ...o, path }`: a spread here cost ~150 bytes promoted per request (measured).
    return { protocol: o.protocol, hostname: o.hostname, port: o.port, host: o.host, path };
  }
  const u = new URL(url);
  return targetAt(u, u.pathname + u.search);
}

/** As node:http reads a URL: an IPv6 hostname without its brackets (they stay in Host). */
function targetAt(u: URL, path: string): Target {
  const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return { protocol: u.protocol, hostname, port: u.port, host: u.host, path };
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
    let target: Target;
    let transport: Transport;
    try {
      target = targetOf(req.url);
      transport = transportFor(target.protocol, req.tls);
    } catch (err) {
      resolve({ kind: 'network', message: err instanceof Error ? err.message : 'bad URL' });
      return;
    }
    // Headers as a flat list: node:http writes them as given (still validating each name and
    // value), with Host as it would set it, and without a setHeader() per header per request.
    const headers: string[] = ['host', target.host];
    for (const name in req.headers) if (name !== 'host' && name !== 'content-length') headers.push(name, req.headers[name]!);
    if (req.body !== undefined) headers.push('content-length', String(Buffer.byteLength(req.body)));
    let r: Http.ClientRequest;
    try {
      r = transport.request(
        { hostname: target.hostname, port: target.port, path: target.path, method: req.method, headers, agent: transport.agent },
        (res) => {
          const chunks: Buffer[] = [];
          const max = req.maxBodyBytes ?? MAX_BODY_BYTES;
          let received = 0;
          res.on('data', (c: Buffer) => {
            received += c.length;
            if (received <= max) return void chunks.push(c);
            // Not read on: the socket goes, and nothing of the answer is kept.
            chunks.length = 0;
            done({ kind: 'too-large', limitBytes: max });
            r.destroy();
          });
          res.on('end', () => {
            const { body, scratch } = bodyOf(chunks, req.reuseBody);
            // The response object can outlive the exchange (a keep-alive socket keeps its last one): not its chunks.
            chunks.length = 0;
            done(new UpstreamResponse(res.statusCode ?? 0, headerLookup(res.headers), body, scratch));
          });
          res.on('error', (err) => done(failureOf(err)));
          res.on('aborted', () => done({ kind: 'network', message: 'response aborted' }));
        },
      );
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
