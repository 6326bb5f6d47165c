/** Values built on first use, once. */
import { describe, expect, it } from 'vitest';
import { lazy } from '../../../lib/core/lazy';

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
