import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../lib/core/errors';
import { canonicalQuery, signedPath, signWebhook, verifyWebhookSignature } from '../../../lib/http/webhook-signature';

const body = Buffer.from('{"labels":{"app":"x"}}');
const path = '/namespaces/ns/jobs/j';

function check(over: Partial<Parameters<typeof verifyWebhookSignature>[0]> = {}) {
  const h = signWebhook('s1', 'PATCH', path, body);
  return verifyWebhookSignature({
    secrets: ['s1'],
    timestamp: h['x-signature-timestamp'],
    signature: h['x-signature'],
    method: 'PATCH',
    path,
    body,
    ...over,
  });
}

function status(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof AppError ? e.status : -1;
  }
}

describe('webhook signature', () => {
  it('matches the contract formula byte for byte', () => {
    const ts = '1763800000';
    const expected = createHmac('sha256', 'k').update(`${ts}\nGET\n/namespaces/a/jobs/b?view=summary\n`).digest('hex');
    const h = signWebhook('k', 'GET', '/namespaces/a/jobs/b?view=summary', '', new Date(Number(ts) * 1000));
    expect(h['x-signature']).toBe(`sha256=${expected}`);
    expect(h['x-signature-timestamp']).toBe(ts);
  });

  it('accepts a valid signature and any secret of a rotation list', () => {
    expect(status(() => check())).toBeUndefined();
    expect(status(() => check({ secrets: ['old', 's1'] }))).toBeUndefined();
  });

  it('refuses a wrong secret, a changed body, method or path', () => {
    expect(status(() => check({ secrets: ['other'] }))).toBe(401);
    expect(status(() => check({ body: Buffer.from('{"labels":{"app":"y"}}') }))).toBe(401);
    expect(status(() => check({ method: 'GET' }))).toBe(401);
    expect(status(() => check({ path: '/namespaces/ns/jobs/k' }))).toBe(401);
  });

  it('refuses missing headers, malformed signatures and timestamps outside ±300 s', () => {
    expect(status(() => check({ signature: undefined }))).toBe(401);
    expect(status(() => check({ timestamp: undefined }))).toBe(401);
    expect(status(() => check({ signature: 'sha256=XYZ' }))).toBe(401);
    expect(status(() => check({ timestamp: '12abc' }))).toBe(401);
    const h = signWebhook('s1', 'PATCH', path, body);
    const now = Number(h['x-signature-timestamp']) * 1000;
    const base = { secrets: ['s1'], timestamp: h['x-signature-timestamp'], signature: h['x-signature'], method: 'PATCH', path, body };
    expect(status(() => verifyWebhookSignature({ ...base, nowMs: now + 299_000 }))).toBeUndefined();
    expect(status(() => verifyWebhookSignature({ ...base, nowMs: now + 301_000 }))).toBe(401);
    expect(status(() => verifyWebhookSignature({ ...base, nowMs: now - 301_000 }))).toBe(401);
  });

  it('canonicalises queries: sorted by name then value, percent-encoded', () => {
    expect(canonicalQuery([['view', 'summary']])).toBe('view=summary');
    expect(canonicalQuery([['b', '2'], ['a', 'z'], ['a', 'y b'], ['é', '/']])).toBe('a=y%20b&a=z&b=2&%C3%A9=%2F');
    expect(signedPath('/p', [])).toBe('/p');
    expect(signedPath('/p', [['view', 'summary']])).toBe('/p?view=summary');
  });
});
