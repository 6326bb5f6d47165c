import { afterEach, describe, expect, it, vi } from 'vitest';
import { Deadline } from '../../../lib/core/deadline';
import { clearTokenCache, dropToken, getToken, type TokenSource } from '../../../lib/credentials/token-cache';

afterEach(() => {
  clearTokenCache();
  vi.useRealTimers();
});

function source(lifetimeMs: number, fail = false): TokenSource & { calls: number } {
  const s = {
    key: 'k',
    calls: 0,
    fetch: async () => {
      s.calls++;
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw new Error('IAM down');
      return { token: `t${s.calls}`, expiresAt: Date.now() + lifetimeMs };
    },
  };
  return s;
}

const deadline = () => Deadline.after(5_000);

describe('token cache', () => {
  it('shares one in-flight fetch among concurrent callers and reuses the token', async () => {
    const s = source(24 * 3600_000);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => getToken(s, deadline())));
    expect(new Set(tokens)).toEqual(new Set(['t1']));
    expect(await getToken(s, deadline())).toBe('t1');
    expect(s.calls).toBe(1);
  });

  it('refreshes ahead of expiry (30 min before)', async () => {
    const s = source(24 * 3600_000);
    await getToken(s, deadline());
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 23.6 * 3600_000);
    expect(await getToken(s, deadline())).toBe('t2');
    expect(s.calls).toBe(2);
  });

  it('keeps serving a still-valid token when the early refresh fails', async () => {
    const good = source(24 * 3600_000);
    await getToken(good, deadline());
    const failing = { ...source(0, true), key: 'k' };
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 23.8 * 3600_000);
    expect(await getToken(failing, deadline())).toBe('t1');
    vi.setSystemTime(Date.now() + 0.5 * 3600_000); // now past expiry
    await expect(getToken(failing, deadline())).rejects.toThrow('IAM down');
  });

  it('drops only the token that failed, not a newer one', async () => {
    const s = source(24 * 3600_000);
    await getToken(s, deadline());
    dropToken('k', 'stale-token');
    expect(await getToken(s, deadline())).toBe('t1');
    dropToken('k', 't1');
    expect(await getToken(s, deadline())).toBe('t2');
  });

  it('a failed fetch is not cached: the next caller tries again', async () => {
    const s = source(0, true);
    await expect(getToken(s, deadline())).rejects.toThrow();
    await expect(getToken(s, deadline())).rejects.toThrow();
    expect(s.calls).toBe(2);
  });
});
