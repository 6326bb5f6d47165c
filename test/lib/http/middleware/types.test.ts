/** The shared request state: `callOf` refuses to run before the event middleware made the call. */
import { describe, expect, it } from 'vitest';
import { callOf } from '../../../../lib/http/middleware/types';
import { callRequest, rawRequest } from '../../../support/middy';

describe('callOf', () => {
  it('returns the call the event middleware made', () => {
    const req = callRequest({ method: 'PATCH' });
    expect(callOf(req)).toBe(req.internal.call);
  });
  it('throws a plain error (a wiring bug, a 500) when there is none', () => {
    expect(() => callOf(rawRequest({}))).toThrow('the HTTP event middleware must run first');
  });
});
