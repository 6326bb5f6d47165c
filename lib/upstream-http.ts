/**
 * One HTTP exchange with an upstream (CCI or IAM), body included, bounded by a timeout.
 * Failures come back as values, not throws, so callers decide about retries in one place.
 */

export interface UpstreamRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export type UpstreamResult =
  | { kind: 'response'; status: number; headers: Headers; text: string }
  | { kind: 'timeout' }
  | { kind: 'network'; message: string };

export async function exchange(req: UpstreamRequest): Promise<UpstreamResult> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, Math.max(1, req.timeoutMs));
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: controller.signal,
    });
    const text = await res.text();
    return { kind: 'response', status: res.status, headers: res.headers, text };
  } catch (err) {
    if (timedOut) return { kind: 'timeout' };
    return { kind: 'network', message: describeNetworkError(err) };
  } finally {
    clearTimeout(timer);
  }
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return 'network error';
  const cause = err.cause as { code?: string; message?: string } | undefined;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return err.message;
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
