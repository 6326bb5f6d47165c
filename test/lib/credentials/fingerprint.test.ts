/** Cache identities for credentials: a hash over kind and parts, never the parts themselves. */
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../lib/credentials/fingerprint';

describe('fingerprint', () => {
  it('is `<kind>:` and 32 hex digits, stable for equal input', () => {
    expect(fingerprint('aksk', 'AK', 'SK')).toMatch(/^aksk:[0-9a-f]{32}$/);
    expect(fingerprint('aksk', 'AK', 'SK')).toBe(fingerprint('aksk', 'AK', 'SK'));
  });
  it('length-prefixes parts: moving a boundary or a missing part changes it', () => {
    const all = [
      fingerprint('k', 'ab', 'c'),
      fingerprint('k', 'a', 'bc'),
      fingerprint('k', 'abc'),
      fingerprint('k', 'abc', undefined),
      fingerprint('k', 'abc', ''),
      fingerprint('k', 'abc', '-'),
      fingerprint('k2', 'abc'),
      fingerprint('k', undefined, 'abc'),
    ];
    expect(new Set(all).size).toBe(all.length);
  });
  it('contains no part', () => {
    const fp = fingerprint('static-token', 'my-very-secret-token');
    expect(fp).not.toContain('my-very-secret-token');
    expect(fp.slice('static-token:'.length)).not.toMatch(/secret/);
  });
});
