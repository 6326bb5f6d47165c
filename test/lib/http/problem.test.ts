/** HTTP answers: JSON on success, problem+json (RFC 9457) on failure, Retry-After when known. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../lib/core/errors';
import { jsonResponse, PROBLEM_TYPE_PREFIX, problemResponse } from '../../../lib/http/problem';

describe('jsonResponse', () => {
  it('JSON body, no caching, the request id', () => {
    expect(jsonResponse(200, { a: 1 }, 'r1')).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-request-id': 'r1' },
      body: '{"a":1}',
      isBase64Encoded: false,
    });
  });
});

describe('problemResponse', () => {
  it('type, title, status, detail, requestId, and errors when there are some', () => {
    const r = problemResponse(new AppError(422, 'cci-rejected', 'no', { errors: [{ path: '/x', message: 'bad' }] }), 'r2');
    expect(r.statusCode).toBe(422);
    expect(r.headers).toEqual({ 'content-type': 'application/problem+json', 'cache-control': 'no-store', 'x-request-id': 'r2' });
    expect(JSON.parse(r.body)).toEqual({ type: `${PROBLEM_TYPE_PREFIX}cci-rejected`, title: 'Unprocessable Content', status: 422, detail: 'no', requestId: 'r2', errors: [{ path: '/x', message: 'bad' }] });
    expect(PROBLEM_TYPE_PREFIX).toBe('urn:volcano-job-functions:problem:');
    expect(Object.keys(JSON.parse(problemResponse(new AppError(404, 'x', 'y'), 'r').body))).not.toContain('errors');
  });
  it('Retry-After in whole seconds, at least 1', () => {
    expect(problemResponse(new AppError(503, 'x', 'y', { retryAfterSeconds: 2.2 }), 'r').headers['retry-after']).toBe('3');
    expect(problemResponse(new AppError(503, 'x', 'y', { retryAfterSeconds: 0 }), 'r').headers['retry-after']).toBe('1');
    expect(problemResponse(new AppError(503, 'x', 'y'), 'r').headers['retry-after']).toBeUndefined();
  });
  it('the cause never reaches the answer', () => {
    const body = problemResponse(new AppError(502, 'x', 'public detail', { cause: new Error('private token=abc') }), 'r').body;
    expect(body).not.toContain('private');
  });
});
