/**
 * Parses every error shape CCI and IAM answer with:
 * - Kubernetes `Status` (`{kind:'Status', code, reason, message, details}`), with CCI's optional `errorCode`;
 * - the API gateway's `{error_code, error_msg}`;
 * - IAM/Keystone's `{error: {code, message, title}}`;
 * - plain text (the apiserver's own 429 and max-in-flight answers).
 */
import { retryAfterFromHeader, type HeaderLookup } from './exchange';

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
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
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
