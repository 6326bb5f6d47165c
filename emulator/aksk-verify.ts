/**
 * Server side of `SDK-HMAC-SHA256` AK/SK signing, for the local CCI emulator: recomputes the
 * signature from the request as received (see lib/credentials/aksk-signer.ts for the canonical form).
 * Error messages never contain the secret key, the expected signature or header values.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  EMPTY_BODY_SHA256,
  type CanonicalRequest,
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  normalizeHeaderValue,
  parseAuthorization,
  parseSdkDate,
  sha256Hex,
  signature,
} from '../lib/credentials/aksk-signer';

/** The gateway's clock-skew limit for X-Sdk-Date. */
export const MAX_SKEW_MS = 15 * 60 * 1000;

export interface ReceivedRequest {
  method: string;
  /** Path + optional `?` + raw query, as received (node's `req.url`). */
  rawUrl: string;
  /** node IncomingHttpHeaders: lower-cased names. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type VerifyResult = { ok: true; accessKey: string } | { ok: false; message: string };

function headerValue(headers: ReceivedRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Constant-time string comparison (hashing first makes the lengths equal and hides them). */
function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a === b;
}

function splitRawUrl(rawUrl: string): { pathname: string; query: string } {
  let target = rawUrl;
  if (/^https?:\/\//i.test(target)) {
    // absolute-form request target (proxies): keep the path and query as written
    const afterScheme = target.indexOf('//') + 2;
    const slash = target.indexOf('/', afterScheme);
    const q = target.indexOf('?', afterScheme);
    const start = slash === -1 || (q !== -1 && q < slash) ? -1 : slash;
    target = start === -1 ? '/' + (q === -1 ? '' : target.slice(q)) : target.slice(start);
  }
  const hash = target.indexOf('#');
  if (hash !== -1) target = target.slice(0, hash);
  const q = target.indexOf('?');
  return q === -1
    ? { pathname: target || '/', query: '' }
    : { pathname: target.slice(0, q) || '/', query: target.slice(q + 1) };
}

function describeSkew(diffMs: number): string {
  const minutes = Math.round(Math.abs(diffMs) / 60000);
  return `${minutes} minute${minutes === 1 ? '' : 's'} ${diffMs < 0 ? 'behind' : 'ahead of'} server time`;
}

export function verifyAkSk(
  req: ReceivedRequest,
  lookup: (accessKey: string) => { secretKey: string; securityToken?: string } | undefined,
  now: Date = new Date(),
): VerifyResult {
  const authorization = headerValue(req.headers, 'authorization');
  if (!authorization) return { ok: false, message: 'missing Authorization header' };
  const auth = parseAuthorization(authorization);
  if (!auth) {
    return {
      ok: false,
      message:
        'malformed Authorization header: expected "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>"',
    };
  }
  const key = lookup(auth.accessKey);
  if (!key) return { ok: false, message: `unknown access key ${auth.accessKey}` };

  const signedNames = auth.signedHeaders.split(';');
  for (const name of signedNames) {
    if (name === '' || name !== name.toLowerCase()) {
      return { ok: false, message: `malformed SignedHeaders "${auth.signedHeaders}": names must be lower-case and non-empty` };
    }
  }
  if (new Set(signedNames).size !== signedNames.length) {
    return { ok: false, message: `malformed SignedHeaders "${auth.signedHeaders}": a name is repeated` };
  }
  if (!signedNames.includes('host')) return { ok: false, message: 'host is not in SignedHeaders' };
  if (!signedNames.includes('x-sdk-date')) return { ok: false, message: 'x-sdk-date is not in SignedHeaders' };

  const sdkDateRaw = headerValue(req.headers, 'x-sdk-date');
  if (sdkDateRaw === undefined) return { ok: false, message: 'missing X-Sdk-Date header' };
  const sdkDate = normalizeHeaderValue(sdkDateRaw);
  const date = parseSdkDate(sdkDate);
  if (!date) return { ok: false, message: `X-Sdk-Date "${sdkDate}" is not in the form YYYYMMDDTHHmmssZ` };
  const diff = date.getTime() - now.getTime();
  if (Math.abs(diff) > MAX_SKEW_MS) {
    return { ok: false, message: `X-Sdk-Date is ${describeSkew(diff)} (limit 15 minutes); signature expired` };
  }

  const token = headerValue(req.headers, 'x-security-token');
  if (key.securityToken !== undefined && key.securityToken !== '') {
    if (token === undefined) {
      return { ok: false, message: `access key ${auth.accessKey} is temporary: X-Security-Token header is required` };
    }
    if (!signedNames.includes('x-security-token')) {
      return { ok: false, message: 'x-security-token is not in SignedHeaders' };
    }
    if (!constantTimeEqual(normalizeHeaderValue(token), key.securityToken)) {
      return { ok: false, message: `X-Security-Token does not belong to access key ${auth.accessKey}` };
    }
  } else if (token !== undefined) {
    return { ok: false, message: `access key ${auth.accessKey} is permanent but an X-Security-Token was sent` };
  }

  const signed = new Map<string, string>();
  for (const name of signedNames) {
    const value = headerValue(req.headers, name);
    if (value === undefined) return { ok: false, message: `signed header ${name} is missing from the request` };
    signed.set(name, value);
  }

  const { pathname, query } = splitRawUrl(req.rawUrl);
  const payloadHash = req.body.length === 0 ? EMPTY_BODY_SHA256 : sha256Hex(req.body);
  let canonical: CanonicalRequest;
  try {
    canonical = canonicalRequest({ method: req.method, pathname, query, headers: signed, payloadHash });
  } catch {
    return { ok: false, message: 'request URL cannot be canonicalized (malformed UTF-16 in path)' };
  }
  const expected = signature(key.secretKey, sdkDate, canonical.canonicalRequest);
  if (!constantTimeEqual(expected, auth.signature)) {
    return {
      ok: false,
      message:
        `signature mismatch for access key ${auth.accessKey} (signed as: method ${req.method}, ` +
        `canonical URI "${canonicalUri(pathname)}", canonical query "${canonicalQueryString(query)}", ` +
        `signed headers "${canonical.signedHeaders}", body SHA-256 ${payloadHash})`,
    };
  }
  return { ok: true, accessKey: auth.accessKey };
}
