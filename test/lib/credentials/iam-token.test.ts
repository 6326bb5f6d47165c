/** IAM tokens from the shared cache as X-Auth-Token; a 401 drops exactly the token that failed. */
import { afterEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../lib/core/deadline';
import { iamTokenAuth } from '../../../lib/credentials/iam-token';
import { clearTokenCache, type TokenSource } from '../../../lib/credentials/token-cache';

afterEach(() => clearTokenCache());

function source(key = 'iam:test'): TokenSource & { calls: number } {
  const s = {
    key,
    calls: 0,
    fetch: async () => ({ token: `token-${++s.calls}`, expiresAt: Date.now() + 24 * 3_600_000 }),
  };
  return s;
}
const req = { method: 'GET', url: 'http://x', headers: { accept: 'application/json' } };
const d = () => Deadline.after(1_000);

describe('iamTokenAuth', () => {
  it('sends the cached token; the fingerprint is the source key', async () => {
    const src = source();
    const auth = iamTokenAuth(src);
    expect(auth.kind).toBe('iam-token');
    expect(auth.fingerprint).toBe('iam:test');
    expect(await auth.authorize(req, d())).toEqual({ accept: 'application/json', 'x-auth-token': 'token-1' });
    expect(await auth.authorize(req, d())).toEqual({ accept: 'application/json', 'x-auth-token': 'token-1' });
    expect(src.calls).toBe(1);
  });

  it('after a 401 the failed token is dropped and the next request fetches a fresh one', async () => {
    const src = source();
    const auth = iamTokenAuth(src);
    const headers = await auth.authorize(req, d());
    expect(auth.unauthorized(headers)).toBe(true);
    expect((await auth.authorize(req, d()))['x-auth-token']).toBe('token-2');
    expect(src.calls).toBe(2);
  });

  it('a late 401 for an older token does not drop the newer one', async () => {
    const src = source();
    const auth = iamTokenAuth(src);
    const old = await auth.authorize(req, d());
    auth.unauthorized(old);
    await auth.authorize(req, d()); // token-2 cached
    auth.unauthorized(old); // token-1 again: nothing to drop
    expect((await auth.authorize(req, d()))['x-auth-token']).toBe('token-2');
    expect(src.calls).toBe(2);
  });

  it('a 401 for headers without a token drops nothing but still allows one retry', async () => {
    const src = source();
    const auth = iamTokenAuth(src);
    await auth.authorize(req, d());
    expect(auth.unauthorized({})).toBe(true);
    await auth.authorize(req, d());
    expect(src.calls).toBe(1);
  });
});
