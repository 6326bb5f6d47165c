/** ALLOWED_NAMESPACES: a list, `*`, or unset (refuses everything). */
import { describe, expect, it } from 'vitest';
import { assertNamespaceAllowed } from '../../../lib/job/namespaces';

const refusal = (allowed: string | undefined, ns: string) => {
  try {
    assertNamespaceAllowed(allowed, ns);
  } catch (e) {
    return e as Error & { status: number; code: string };
  }
  return undefined;
};

describe('assertNamespaceAllowed', () => {
  it('allows listed namespaces (spaces around entries ignored) and everything for *', () => {
    expect(refusal('a, b', 'b')).toBeUndefined();
    expect(refusal('x,*', 'anything')).toBeUndefined();
  });
  it('refuses others with 403 naming the namespace', () => {
    expect(refusal('a,b', 'c')).toMatchObject({ status: 403, code: 'namespace-not-allowed', message: 'Namespace "c" is not in ALLOWED_NAMESPACES' });
    // Exact match only: no prefixes, no case folding, no patterns.
    expect(refusal('team', 'team-a')).toBeDefined();
    expect(refusal('Team', 'team')).toBeDefined();
    expect(refusal('team-*', 'team-a')).toBeDefined();
  });
  it('fails closed when unset or blank', () => {
    for (const allowed of [undefined, '', ' , ']) {
      expect(refusal(allowed, 'a')).toMatchObject({ status: 403, message: expect.stringMatching(/ALLOWED_NAMESPACES is not set/) });
    }
  });
});
