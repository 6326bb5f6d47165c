/** Comma-separated configuration values. */
import { describe, expect, it } from 'vitest';
import { splitList } from '../../../lib/core/config';

describe('splitList', () => {
  it('trims entries and drops blanks; unset or empty is no entry', () => {
    expect(splitList(undefined)).toEqual([]);
    expect(splitList('')).toEqual([]);
    expect(splitList(' , ,')).toEqual([]);
    expect(splitList('a')).toEqual(['a']);
    expect(splitList(' a , b,,c ')).toEqual(['a', 'b', 'c']);
  });
  it('keeps order and repeats (callers de-duplicate where it matters)', () => {
    expect(splitList('b,a,b')).toEqual(['b', 'a', 'b']);
  });
});
