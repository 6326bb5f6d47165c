/** A ready-made token sent as X-Auth-Token; a 401 is final. */
import { describe, expect, it } from 'vitest';
import { Deadline } from '../../../lib/core/deadline';
import { staticTokenAuth } from '../../../lib/credentials/static-token';

describe('staticTokenAuth', () => {
  it('adds X-Auth-Token to the request\'s headers, keeping the others and leaving the input alone', async () => {
    const auth = staticTokenAuth('tok');
    const headers = { accept: 'application/json' };
    expect(await auth.authorize({ method: 'GET', url: 'http://x', headers }, Deadline.after(100))).toEqual({ accept: 'application/json', 'x-auth-token': 'tok' });
    expect(headers).toEqual({ accept: 'application/json' });
  });
  it('a 401 cannot be cured by retrying', () => {
    expect(staticTokenAuth('tok').unauthorized({ 'x-auth-token': 'tok' })).toBe(false);
  });
  it('kind static-token or agency-token; the fingerprint depends on both and never holds the token', () => {
    const s = staticTokenAuth('tok');
    const a = staticTokenAuth('tok', 'agency-token');
    expect([s.kind, a.kind]).toEqual(['static-token', 'agency-token']);
    expect(s.fingerprint).not.toBe(a.fingerprint);
    expect(s.fingerprint).not.toBe(staticTokenAuth('tok2').fingerprint);
    expect(staticTokenAuth('my-secret-tok').fingerprint.slice('static-token:'.length)).not.toContain('my-secret-tok');
  });
});
