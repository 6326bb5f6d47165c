/** AppError: status, code, retryability defaults, titles; toAppError never leaks a foreign message. */
import { describe, expect, it } from 'vitest';
import { AppError, badRequest, forbidden, notFound, toAppError, unauthorized, unprocessable } from '../../../lib/core/errors';

describe('AppError', () => {
  it('carries status, code, detail and options; retryable defaults to 5xx and 429', () => {
    const e = new AppError(503, 'x', 'down', { retryAfterSeconds: 5, errors: [{ path: '/a', message: 'm' }] });
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'AppError', status: 503, code: 'x', message: 'down', retryAfterSeconds: 5, retryable: true, title: 'Service Unavailable' });
    expect(e.errors).toEqual([{ path: '/a', message: 'm' }]);
    expect(new AppError(429, 'x', 'y').retryable).toBe(true);
    expect(new AppError(500, 'x', 'y').retryable).toBe(true);
    expect(new AppError(404, 'x', 'y').retryable).toBe(false);
    expect(new AppError(409, 'x', 'y').retryable).toBe(false);
    expect(new AppError(503, 'x', 'y', { retryable: false }).retryable).toBe(false);
    expect(new AppError(400, 'x', 'y', { retryable: true }).retryable).toBe(true);
  });
  it('leaves optional fields out when not given, and keeps a cause', () => {
    const e = new AppError(400, 'x', 'y');
    expect(e.errors).toBeUndefined();
    expect(e.retryAfterSeconds).toBeUndefined();
    expect(e.cause).toBeUndefined();
    const cause = new Error('inner');
    expect(new AppError(500, 'x', 'y', { cause }).cause).toBe(cause);
  });
  it.each([
    [400, 'Bad Request'], [401, 'Unauthorized'], [403, 'Forbidden'], [404, 'Not Found'], [405, 'Method Not Allowed'], [409, 'Conflict'],
    [413, 'Payload Too Large'], [415, 'Unsupported Media Type'], [422, 'Unprocessable Content'], [500, 'Internal Server Error'],
    [502, 'Bad Gateway'], [503, 'Service Unavailable'], [504, 'Gateway Timeout'], [410, 'Gone'], [418, "I'm a Teapot"], [599, 'Error'],
  ])('title of %d is %s', (status, title) => expect(new AppError(status, 'c', 'd').title).toBe(title));
});

describe('shorthands', () => {
  it('set status and code', () => {
    expect(badRequest('b', 'd', [{ path: '', message: 'm' }])).toMatchObject({ status: 400, code: 'b', errors: [{ path: '', message: 'm' }] });
    expect(badRequest('b', 'd').errors).toBeUndefined();
    expect(unauthorized('d')).toMatchObject({ status: 401, code: 'unauthorized', message: 'd' });
    expect(forbidden('f', 'd')).toMatchObject({ status: 403, code: 'f' });
    expect(notFound('n', 'd')).toMatchObject({ status: 404, code: 'n' });
    expect(unprocessable('u', 'd', [{ path: '/x', message: 'm' }])).toMatchObject({ status: 422, code: 'u', errors: [{ path: '/x', message: 'm' }] });
  });
});

describe('toAppError', () => {
  it('keeps an AppError as it is', () => {
    const e = notFound('n', 'd');
    expect(toAppError(e)).toBe(e);
  });
  it('wraps anything else as a retryable 500 whose detail does not repeat the original message', () => {
    for (const thrown of [new Error('secret internals at /var/task'), 'a string with token=abc', { weird: true }, undefined, null]) {
      const e = toAppError(thrown);
      expect(e).toMatchObject({ status: 500, code: 'internal-error', retryable: true });
      expect(e.message).not.toMatch(/internals|token=abc/);
      expect(e.cause).toBe(thrown);
    }
  });
});
