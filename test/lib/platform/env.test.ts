/** Configuration lookup: the process environment, then the platform's fallback; empty is unset. */
import { describe, expect, it } from 'vitest';
import { envLookup } from '../../../lib/platform/env';
import { setEnv } from '../../support/env';

describe('envLookup', () => {
  it('reads the environment; empty counts as unset', () => {
    setEnv({ VJF_TEST_A: 'a', VJF_TEST_EMPTY: '' });
    const env = envLookup();
    expect(env('VJF_TEST_A')).toBe('a');
    expect(env('VJF_TEST_EMPTY')).toBeUndefined();
    expect(env('VJF_TEST_MISSING')).toBeUndefined();
  });
  it('the environment wins over the fallback; the fallback serves unset and empty variables', () => {
    setEnv({ VJF_TEST_A: 'from-env', VJF_TEST_EMPTY: '' });
    const data: Record<string, unknown> = { VJF_TEST_A: 'from-user-data', VJF_TEST_EMPTY: 'from-user-data', VJF_TEST_B: 'b', VJF_TEST_BLANK: '', VJF_TEST_NULL: null, VJF_TEST_NUM: 5 };
    const env = envLookup((k) => data[k] as string | undefined);
    expect(env('VJF_TEST_A')).toBe('from-env');
    expect(env('VJF_TEST_EMPTY')).toBe('from-user-data');
    expect(env('VJF_TEST_B')).toBe('b');
    expect(env('VJF_TEST_BLANK')).toBeUndefined();
    expect(env('VJF_TEST_NULL')).toBeUndefined();
    expect(env('VJF_TEST_NUM')).toBe('5');
  });
  it('reads at call time, not when built', () => {
    const env = envLookup();
    setEnv({ VJF_TEST_LATE: 'late' });
    expect(env('VJF_TEST_LATE')).toBe('late');
  });
});
