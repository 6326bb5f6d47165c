/** withHeader: the headers every token authorizer sends, as a new object that leaves the caller's alone. */
import { describe, expect, it } from 'vitest';
import { withHeader } from '../../../lib/credentials/port';

describe('withHeader', () => {
  it('copies the headers and adds one, leaving the input as it was', () => {
    const input = { accept: 'application/json', 'content-type': 'application/merge-patch+json' };
    const out = withHeader(input, 'x-auth-token', 't');
    expect(out).toEqual({ accept: 'application/json', 'content-type': 'application/merge-patch+json', 'x-auth-token': 't' });
    expect(out).not.toBe(input);
    expect(input).toEqual({ accept: 'application/json', 'content-type': 'application/merge-patch+json' });
  });

  it('replaces a header of the same name, takes no headers at all, and keeps names that are built-ins as data', () => {
    expect(withHeader({ 'x-auth-token': 'old' }, 'x-auth-token', 'new')).toEqual({ 'x-auth-token': 'new' });
    expect(withHeader(undefined, 'authorization', 'Bearer b')).toEqual({ authorization: 'Bearer b' });
    const odd = JSON.parse('{"__proto__":"x","constructor":"y"}') as Record<string, string>;
    const out = withHeader(odd, 'a', 'b');
    expect(Object.keys(out).sort()).toEqual(['__proto__', 'a', 'constructor']);
    expect(out.__proto__).toBe('x');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});
