/** Values built on first use, once, or once per key within a bound. */
import { describe, expect, it } from 'vitest';
import { keptPerKey, lazy } from '../../../lib/core/lazy';

describe('lazy', () => {
  it('builds on the first call only, then returns the same value', () => {
    let made = 0;
    const get = lazy(() => ({ n: ++made }));
    expect(made).toBe(0);
    const a = get();
    expect(get()).toBe(a);
    expect(made).toBe(1);
  });
  it('remembers falsy values too (undefined, 0, null)', () => {
    for (const v of [undefined, 0, null, '']) {
      let made = 0;
      const get = lazy(() => {
        made++;
        return v;
      });
      get();
      get();
      expect(made).toBe(1);
    }
  });
  it('a builder that throws is tried again next time', () => {
    let calls = 0;
    const get = lazy(() => {
      if (++calls === 1) throw new Error('first');
      return 'ok';
    });
    expect(() => get()).toThrow('first');
    expect(get()).toBe('ok');
  });
});

describe('keptPerKey', () => {
  it('builds a value once per key, keeps at most `max`, and drops the oldest first', () => {
    const made: string[] = [];
    const kept = keptPerKey<string, { key: string }>(2);
    const get = (key: string) => kept(key, () => (made.push(key), { key }));
    const a = get('a');
    expect(get('a')).toBe(a);
    get('b');
    get('c'); // 'a' goes
    expect(made).toEqual(['a', 'b', 'c']);
    expect(get('b')).toEqual({ key: 'b' });
    expect(made).toEqual(['a', 'b', 'c']);
    expect(get('a')).not.toBe(a);
    expect(made).toEqual(['a', 'b', 'c', 'a']);
  });

  it('keys named like JavaScript built-ins are keys like any other', () => {
    const kept = keptPerKey<string, string>(4);
    expect(kept('__proto__', () => 'p')).toBe('p');
    expect(kept('constructor', () => 'c')).toBe('c');
    expect(kept('__proto__', () => 'other')).toBe('p');
  });
});
