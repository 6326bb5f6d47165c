/**
 * Huawei Cloud AK/SK request signing (`SDK-HMAC-SHA256`), byte-compatible with the official Node
 * SDK (`@huaweicloud/huaweicloud-sdk-core`, `auth/AKSKSigner` + `auth/BasicCredentials`) for the
 * requests this project sends. Runtime code: only `node:crypto`.
 *
 * Canonical request (lines joined by `\n`):
 *   METHOD
 *   CanonicalURI     each `/`-separated segment of the URL's path AS SENT (already percent-encoded
 *                    by WHATWG URL) encoded again with RFC 3986 (unreserved `A-Za-z0-9-._~` kept),
 *                    so `%2F` signs as `%252F` and a space (`%20` on the wire) as `%2520`; a
 *                    trailing `/` is appended when missing (signed string only).
 *   CanonicalQuery   query decoded as `URLSearchParams` does (`+` is a space), keys sorted by UTF-16
 *                    code units, values of a repeated key sorted likewise, each key and value
 *                    RFC 3986-encoded, `k=v` joined by `&` (a bare `k` signs as `k=`).
 *   CanonicalHeaders `name:value\n` for every header sent plus `host` and `x-sdk-date`, names
 *                    lower-cased and sorted; values without leading/trailing HTTP whitespace.
 *   SignedHeaders    the sorted lower-cased names joined by `;`.
 *   hex(SHA-256(body))  (empty body: the hash of the empty string).
 * StringToSign = `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex(SHA-256(canonical request))>`;
 * signature = hex(HMAC-SHA256(key = SK, StringToSign)).
 */
import { createHash, createHmac } from 'node:crypto';

export const ALGORITHM = 'SDK-HMAC-SHA256';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface AkSkCredentials {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
  projectId?: string;
}

export interface SignInput {
  method: string;
  url: string | URL;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** Headers the signer owns: a caller passing them is a bug, so it throws. */
const MANAGED_HEADERS = new Set(['host', 'authorization', 'x-sdk-date', 'x-sdk-content-sha256']);

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmacSha256Hex(key: string, data: string): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

/** RFC 3986 percent-encoding of a string's UTF-8 bytes (upper-case hex), as the SDK's urlEncode. */
export function rfc3986Encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

/** `pathname` is the path as sent on the wire (percent-encoded), e.g. `new URL(u).pathname`. */
export function canonicalUri(pathname: string): string {
  const uri = pathname.split('/').map(rfc3986Encode).join('/');
  return uri.endsWith('/') ? uri : uri + '/';
}

/** `query` is the raw query string as sent, with or without its leading `?`. */
export function canonicalQueryString(query: string): string {
  // Sorted by raw key, then raw value (UTF-16 code units), before encoding: encoding changes the order.
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...new URLSearchParams(query)]
    .sort(([a, x], [b, y]) => cmp(a, b) || cmp(x, y))
    .map(([k, v]) => rfc3986Encode(k) + '=' + rfc3986Encode(v))
    .join('&');
}

/** Strips leading/trailing HTTP whitespace, as node:http does on receipt. */
export function normalizeHeaderValue(value: string): string {
  return value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
}

export interface CanonicalRequestParts {
  method: string;
  /** Path as sent (percent-encoded), without the query. */
  pathname: string;
  /** Raw query as sent, with or without `?`; empty for none. */
  query: string;
  /** Headers to sign, names lower-cased (host and x-sdk-date included); values as sent. */
  headers: ReadonlyMap<string, string>;
  /** Hex SHA-256 of the body. */
  payloadHash: string;
}

export interface CanonicalRequest {
  canonicalRequest: string;
  /** `;`-joined lower-cased header names, in the order they were signed. */
  signedHeaders: string;
}

/**
 * Builds the canonical request. Header names are signed in the map's iteration order, so the
 * signer passes them sorted and the verifier in the order the client's SignedHeaders listed them.
 */
export function canonicalRequest(parts: CanonicalRequestParts): CanonicalRequest {
  let canonicalHeaders = '';
  const names: string[] = [];
  for (const [name, value] of parts.headers) {
    canonicalHeaders += `${name}:${normalizeHeaderValue(value)}\n`;
    names.push(name);
  }
  const signedHeaders = names.join(';');
  return {
    canonicalRequest: [
      parts.method,
      canonicalUri(parts.pathname),
      canonicalQueryString(parts.query),
      canonicalHeaders,
      signedHeaders,
      parts.payloadHash,
    ].join('\n'),
    signedHeaders,
  };
}

export function stringToSign(sdkDate: string, canonicalRequestText: string): string {
  return `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonicalRequestText)}`;
}

export function signature(secretKey: string, sdkDate: string, canonicalRequestText: string): string {
  return hmacSha256Hex(secretKey, stringToSign(sdkDate, canonicalRequestText));
}

export function authorizationHeader(accessKey: string, signedHeaders: string, sig: string): string {
  return `${ALGORITHM} Access=${accessKey}, SignedHeaders=${signedHeaders}, Signature=${sig}`;
}

export interface ParsedAuthorization {
  accessKey: string;
  signedHeaders: string;
  signature: string;
}

const AUTHORIZATION_RE =
  /^SDK-HMAC-SHA256 +Access=([^,\s]+), *SignedHeaders=([^,\s]+), *Signature=([0-9a-fA-F]+) *$/;

export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const m = AUTHORIZATION_RE.exec(header.trim());
  if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) return undefined;
  return { accessKey: m[1], signedHeaders: m[2], signature: m[3].toLowerCase() };
}

/** `YYYYMMDDTHHmmssZ` in UTC (milliseconds truncated, as moment's format does). */
export function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d+/g, '');
}

export function parseSdkDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const date = new Date(ms);
  // Reject out-of-range fields (month 13, second 61, ...) instead of letting Date roll them over.
  return formatSdkDate(date) === value ? date : undefined;
}

/** The method as the transport (node:http, lib/upstream/exchange.ts) puts it on the wire: upper-cased, always. */
export function wireMethod(method: string): string {
  return method.toUpperCase();
}

/**
 * Returns the headers to send: the input headers (values trimmed, as signed) plus X-Sdk-Date,
 * Authorization, and X-Security-Token / X-Project-Id when given (a caller-supplied header of the
 * same name wins, as in the SDK). Host is signed (the URL's host, port only when non-default) but
 * not returned, since node:http sets exactly that Host itself.
 */
export function signRequest(input: SignInput, creds: AkSkCredentials, now: Date = new Date()): Record<string, string> {
  if (!creds.accessKey || !creds.secretKey) throw new Error('AK/SK signing needs an access key and a secret key');
  const url = typeof input.url === 'string' ? new URL(input.url) : input.url;
  const sdkDate = formatSdkDate(now);

  const out: Record<string, string> = {};
  const toSign = new Map<string, string>();
  const add = (name: string, value: string): void => {
    const lower = name.toLowerCase();
    if (toSign.has(lower)) throw new Error(`header ${name} given twice (header names are case-insensitive)`);
    const v = normalizeHeaderValue(value);
    toSign.set(lower, v);
    out[name] = v;
  };
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (MANAGED_HEADERS.has(name.toLowerCase())) {
      throw new Error(`header ${name} is set by the AK/SK signer and must not be passed in`);
    }
    add(name, value);
  }
  if (creds.securityToken && !toSign.has('x-security-token')) add('X-Security-Token', creds.securityToken);
  if (creds.projectId && !toSign.has('x-project-id')) add('X-Project-Id', creds.projectId);
  add('X-Sdk-Date', sdkDate);
  toSign.set('host', url.host);

  const sorted = new Map([...toSign].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  // The empty body hashes to EMPTY_BODY_SHA256.
  const payloadHash = sha256Hex(input.body ?? '');
  const canonical = canonicalRequest({
    method: wireMethod(input.method),
    pathname: url.pathname,
    query: url.search,
    headers: sorted,
    payloadHash,
  });
  out['Authorization'] = authorizationHeader(
    creds.accessKey,
    canonical.signedHeaders,
    signature(creds.secretKey, sdkDate, canonical.canonicalRequest),
  );
  return out;
}
