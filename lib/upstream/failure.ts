/**
 * Parses every error shape CCI and IAM answer with:
 * - Kubernetes `Status` (`{kind:'Status', code, reason, message, details}`), with CCI's optional `errorCode`;
 * - the API gateway's `{error_code, error_msg}`;
 * - IAM/Keystone's `{error: {code, message, title}}`;
 * - plain text (the apiserver's own 429 and max-in-flight answers).
 * and says which failures are worth another attempt (`TransientError`, for `onError`).
 */
import { AppError } from '../core/errors';
import { isJsonObject, tryParseJson } from '../core/json';
import type { Verdict, Stop } from './retry';
import { retryAfterFromHeader, type HeaderLookup, type UpstreamResult } from './exchange';

export interface UpstreamFailure {
  status: number;
  reason?: string;
  code?: string;
  message: string;
  retryAfterSeconds?: number;
  /** Kubernetes `details.causes` (field-level validation failures). */
  causes?: Array<{ field: string; message: string }>;
}

const MAX_MESSAGE = 400;

function clip(s: string): string {
  const oneLine = s.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_MESSAGE ? oneLine.slice(0, MAX_MESSAGE) + '…' : oneLine;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function parseUpstreamFailure(status: number, headers: HeaderLookup, text: string): UpstreamFailure {
  const out: UpstreamFailure = { status, message: '' };
  const headerRetry = retryAfterFromHeader(headers.get('retry-after'));
  if (headerRetry !== undefined) out.retryAfterSeconds = headerRetry;
  const body = text ? tryParseJson(text) : undefined;
  if (isJsonObject(body)) {
    const b = body;
    if (b.kind === 'Status' || (typeof b.code === 'number' && 'reason' in b)) {
      out.reason = str(b.reason);
      out.code = str(b.errorCode);
      out.message = clip(str(b.message) ?? '');
      const details = b.details as { retryAfterSeconds?: unknown; causes?: unknown } | undefined;
      if (typeof details?.retryAfterSeconds === 'number' && out.retryAfterSeconds === undefined) {
        out.retryAfterSeconds = details.retryAfterSeconds;
      }
      if (Array.isArray(details?.causes)) {
        out.causes = details.causes
          .filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null)
          .map((c) => ({ field: str(c.field) ?? '', message: clip(str(c.message) ?? '') }));
      }
    } else if ('error_code' in b || 'error_msg' in b) {
      out.code = str(b.error_code);
      out.message = clip(str(b.error_msg) ?? '');
    } else if (b.error && typeof b.error === 'object') {
      const e = b.error as Record<string, unknown>;
      out.reason = str(e.title);
      out.code = typeof e.code === 'number' || typeof e.code === 'string' ? String(e.code) : undefined;
      out.message = clip(str(e.message) ?? '');
    } else {
      out.message = clip(text);
    }
  } else {
    out.message = clip(text);
  }
  if (!out.message) out.message = `HTTP ${status}`;
  return out;
}

export function describeFailure(f: UpstreamFailure): string {
  const tags = [f.reason, f.code].filter(Boolean).join(', ');
  return `${f.status}${tags ? ` (${tags})` : ''}: ${f.message}`;
}

export const isTransientStatus = (status: number) => status === 429 || status >= 500;

/** A failure another attempt may cure: 429, 5xx, a time-out or a network error. */
export class TransientError extends Error {
  readonly timedOut: boolean;
  readonly failure?: UpstreamFailure;
  constructor(problem: string, timedOut: boolean, failure?: UpstreamFailure) {
    super(problem);
    this.name = 'TransientError';
    this.timedOut = timedOut;
    if (failure) this.failure = failure;
  }
}

/**
 * A time-out or network error as a transient failure. A TLS failure (a certificate that does not
 * verify, a key that does not load) and an answer over the size bound are not transient: a 502
 * naming them, which `retryTransient` refuses.
 */
export function transientOf(result: Exclude<UpstreamResult, { kind: 'response' }>, timeoutMs: number): Error {
  return result.kind === 'timeout'
    ? new TransientError(`no answer within ${timeoutMs} ms`, true)
    : result.kind === 'tls'
      ? new AppError(502, 'tls-failed', `TLS failed (${result.message}): check the CA, server name, client certificate`)
      : result.kind === 'too-large'
        ? new AppError(502, 'answer-too-large', `the answer is larger than ${result.limitBytes} bytes, and was not read`, { retryable: false })
        : new TransientError(`network error: ${result.message}`, false);
}

export const transientFailure = (failure: UpstreamFailure) => new TransientError(describeFailure(failure), false, failure);

/** `onError`'s verdict for upstream calls: transient failures again, after their Retry-After. */
export function retryTransient(err: unknown): Verdict {
  if (!(err instanceof TransientError)) return false;
  const after = err.failure?.retryAfterSeconds;
  return after === undefined ? true : { retryAfterMs: after * 1000 };
}

/** Why retries stopped, in the terms the callers map to 504 (out of time) or 503 (kept failing). */
export function stopReason(stop: Stop): { timedOut: boolean; problem: string; retryAfterSeconds?: number } {
  const last = stop.last instanceof TransientError ? stop.last : undefined;
  const out: { timedOut: boolean; problem: string; retryAfterSeconds?: number } = {
    timedOut: stop.outOfTime || (last?.timedOut ?? false),
    problem: last?.message ?? 'no attempt made',
  };
  if (last?.failure?.retryAfterSeconds !== undefined) out.retryAfterSeconds = last.failure.retryAfterSeconds;
  return out;
}
