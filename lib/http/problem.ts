/** HTTP answers: JSON on success, `application/problem+json` (RFC 9457) on failure. */
import type { AppError } from '../core/errors';
import { httpResponse, type HttpResponse } from '../platform/http-response';

export type { HttpResponse } from '../platform/http-response';

export const PROBLEM_TYPE_PREFIX = 'urn:volcano-job-functions:problem:';

export function jsonResponse(status: number, body: unknown, requestId: string): HttpResponse {
  return httpResponse(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-request-id': requestId }, JSON.stringify(body));
}

export function problemResponse(err: AppError, requestId: string): HttpResponse {
  const problem: Record<string, unknown> = {
    type: PROBLEM_TYPE_PREFIX + err.code,
    title: err.title,
    status: err.status,
    detail: err.message,
    requestId,
  };
  if (err.errors) problem.errors = err.errors;
  const headers: Record<string, string> = {
    'content-type': 'application/problem+json',
    'cache-control': 'no-store',
    'x-request-id': requestId,
  };
  if (err.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfterSeconds)));
  return httpResponse(err.status, headers, JSON.stringify(problem));
}
