/** zod issues as the contract's {path, message} pairs, in our wording. */
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { formatIssues } from '../../../lib/core/issues';

const issuesOf = (schema: z.ZodMiniType, value: unknown) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a failure');
  return formatIssues(r.error.issues);
};

describe('formatIssues', () => {
  it('names types, with "an object" for objects', () => {
    expect(issuesOf(z.object({ a: z.string() }), { a: 1 })).toEqual([{ path: '/a', message: 'must be a string' }]);
    expect(issuesOf(z.object({ a: z.object({}) }), { a: 1 })).toEqual([{ path: '/a', message: 'must be an object' }]);
    expect(issuesOf(z.object({ n: z.number() }), { n: 'x' })).toEqual([{ path: '/n', message: 'must be a number' }]);
  });
  it('bounds: characters for strings, >= / <= otherwise', () => {
    expect(issuesOf(z.string().check(z.minLength(3)), 'ab')).toEqual([{ path: '', message: 'must be at least 3 characters' }]);
    expect(issuesOf(z.string().check(z.maxLength(2)), 'abc')).toEqual([{ path: '', message: 'must be at most 2 characters' }]);
    expect(issuesOf(z.array(z.string()).check(z.minLength(1)), [])).toEqual([{ path: '', message: 'must be >= 1' }]);
    expect(issuesOf(z.number().check(z.maximum(5)), 6)).toEqual([{ path: '', message: 'must be <= 5' }]);
  });
  it('one issue per unknown key, each with its own escaped pointer', () => {
    expect(issuesOf(z.strictObject({ a: z.optional(z.string()) }), { b: 1, 'x/y': 2, '~': 3 })).toEqual([
      { path: '/b', message: 'is not a known field' },
      { path: '/x~1y', message: 'is not a known field' },
      { path: '/~0', message: 'is not a known field' },
    ]);
  });
  it('keeps the schema\'s own message for other issues, with nested paths', () => {
    const s = z.object({ list: z.array(z.string().check(z.refine((v: string) => v === 'ok', { error: 'must be ok' }))) });
    expect(issuesOf(s, { list: ['ok', 'no'] })).toEqual([{ path: '/list/1', message: 'must be ok' }]);
  });
});
