/**
 * Webhook request signatures (contract "HTTP requests"):
 *   X-Signature-Timestamp: <unix seconds>
 *   X-Signature: sha256=<hex HMAC-SHA256(secret, `${timestamp}\n${METHOD}\n${path}\n${body}`)>
 * where path is the route path plus `?` and the canonical query when there is one.
 * Any of several secrets may match (rotation); comparison is constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { unauthorized } from '../core/errors';

export const SIGNATURE_WINDOW_SECONDS = 300;

/** Parameters sorted by name then value, each `encodeURIComponent(name)=encodeURIComponent(value)`, joined by `&`. */
export function canonicalQuery(params: ReadonlyArray<readonly [string, string]>): string {
  return [...params]
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`)
    .join('&');
}

export function signedPath(routePath: string, params: ReadonlyArray<readonly [string, string]>): string {
  const q = canonicalQuery(params);
  return q ? `${routePath}?${q}` : routePath;
}

function mac(secret: string, timestamp: string, method: string, path: string, body: Uint8Array): Buffer {
  return createHmac('sha256', secret)
    .update(`${timestamp}\n${method.toUpperCase()}\n${path}\n`)
    .update(body)
    .digest();
}

/** Produces the two headers for a request (used by the `npm run call` helper, tests and the bench). */
export function signWebhook(
  secret: string,
  method: string,
  path: string,
  body: string | Uint8Array = '',
  now: Date = new Date(),
): { 'x-signature-timestamp': string; 'x-signature': string } {
  const ts = String(Math.floor(now.getTime() / 1000));
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return { 'x-signature-timestamp': ts, 'x-signature': `sha256=${mac(secret, ts, method, path, bytes).toString('hex')}` };
}

export interface SignatureCheck {
  secrets: readonly string[];
  timestamp: string | undefined;
  signature: string | undefined;
  method: string;
  path: string;
  body: Uint8Array;
  nowMs?: number;
}

export function verifyWebhookSignature(c: SignatureCheck): void {
  if (!c.timestamp || !c.signature) throw unauthorized('Missing X-Signature or X-Signature-Timestamp header');
  if (!/^[0-9]{1,12}$/.test(c.timestamp)) throw unauthorized('X-Signature-Timestamp must be Unix time in seconds');
  const skew = Math.abs((c.nowMs ?? Date.now()) / 1000 - Number(c.timestamp));
  if (skew > SIGNATURE_WINDOW_SECONDS) {
    throw unauthorized(`X-Signature-Timestamp is ${Math.round(skew)} s away from server time (allowed: ${SIGNATURE_WINDOW_SECONDS} s)`);
  }
  const m = /^sha256=([0-9a-f]{64})$/.exec(c.signature);
  if (!m) throw unauthorized('X-Signature must be "sha256=" followed by 64 lowercase hex digits');
  const given = Buffer.from(m[1]!, 'hex');
  let ok = false;
  for (const secret of c.secrets) {
    // Every secret is tried, whatever matched, so timing does not reveal which one did.
    if (timingSafeEqual(given, mac(secret, c.timestamp, c.method, c.path, c.body))) ok = true;
  }
  if (!ok) throw unauthorized('Signature does not match');
}
