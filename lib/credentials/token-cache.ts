/**
 * Token cache shared by every invocation of a warm function instance.
 * - one cached token per credential identity (the key never holds a secret);
 * - concurrent callers share one in-flight request (single-flight);
 * - refreshed ahead of expiry; if a refresh fails while the old token is still valid, the old one serves;
 * - after a 401 from CCI the token that failed is dropped, so the next caller fetches a fresh one.
 */
import type { Deadline } from '../core/deadline';

export interface IssuedToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface TokenSource {
  key: string;
  fetch(deadline: Deadline): Promise<IssuedToken>;
}

/** Refresh when less than this much of the token's life is left (tokens live 24 h). */
const REFRESH_AHEAD_MS = 30 * 60 * 1000;
/** Below this much life left a token is never used, even as a fallback. */
const MIN_VALIDITY_MS = 60 * 1000;

const cache = new Map<string, IssuedToken>();
const inflight = new Map<string, Promise<IssuedToken>>();

function refresh(source: TokenSource, deadline: Deadline): Promise<IssuedToken> {
  let pending = inflight.get(source.key);
  if (!pending) {
    pending = source
      .fetch(deadline)
      .then((issued) => {
        cache.set(source.key, issued);
        return issued;
      })
      .finally(() => inflight.delete(source.key));
    inflight.set(source.key, pending);
  }
  return pending;
}

export async function getToken(source: TokenSource, deadline: Deadline): Promise<string> {
  const current = cache.get(source.key);
  const now = Date.now();
  if (current && now < current.expiresAt - REFRESH_AHEAD_MS) return current.token;
  try {
    return (await refresh(source, deadline)).token;
  } catch (err) {
    if (current && Date.now() < current.expiresAt - MIN_VALIDITY_MS) return current.token;
    throw err;
  }
}

/** Forget `token` if it is still the cached one (another caller may already have replaced it). */
export function dropToken(key: string, token: string): void {
  if (cache.get(key)?.token === token) cache.delete(key);
}

/** For tests: a cold module. */
export function clearTokenCache(): void {
  cache.clear();
  inflight.clear();
}
