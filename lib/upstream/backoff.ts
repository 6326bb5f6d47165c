/** Exponential backoff with full jitter; the server's Retry-After wins when it asks for longer. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 100, maxMs: 5_000 };

export function backoffDelay(attempt: number, policy: BackoffPolicy, retryAfterSeconds?: number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  const jittered = ceiling / 2 + Math.random() * (ceiling / 2);
  if (retryAfterSeconds !== undefined) return Math.max(jittered, retryAfterSeconds * 1000);
  return jittered;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
