/** The fingerprint of the encrypted variables kept in a function's description: stable per salt, salted, parseable back. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { markerFor, markerMatches, secretsHash, splitSecretsMarker, withSecretsMarker } from '../../../scripts/deploy-functiongraph/secrets-marker';

const SALT = '00112233445566ff';

describe('secretsHash', () => {
  it('is stable across variable order, and changes with any name, value or salt', () => {
    const a = secretsHash(SALT, { A_SECRET: '1', B_TOKEN: '2' });
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(secretsHash(SALT, { B_TOKEN: '2', A_SECRET: '1' })).toBe(a);
    expect(secretsHash(SALT, { A_SECRET: '1', B_TOKEN: '3' })).not.toBe(a);
    expect(secretsHash(SALT, { A_SECRET: '1', C_TOKEN: '2' })).not.toBe(a);
    expect(secretsHash('ffeeddccbbaa9988', { A_SECRET: '1', B_TOKEN: '2' })).not.toBe(a);
    // Not a plain hash of the values.
    expect(a).not.toBe(createHash('sha256').update(JSON.stringify([['A_SECRET', '1'], ['B_TOKEN', '2']])).digest('hex').slice(0, 32));
  });
});

describe('markerFor / markerMatches', () => {
  it('a new marker gets a random salt; an existing salt is kept; no variables, no marker', () => {
    const vars = { A_SECRET: '1' };
    const m1 = markerFor(vars)!;
    const m2 = markerFor(vars)!;
    expect(m1.salt).toMatch(/^[0-9a-f]{16}$/);
    expect(m1.salt).not.toBe(m2.salt);
    expect(markerFor(vars, m1)).toEqual(m1);
    expect(markerFor({}, m1)).toBeUndefined();
    expect(markerMatches(m1, vars)).toBe(true);
    expect(markerMatches(m1, { A_SECRET: '2' })).toBe(false);
    expect(markerMatches(undefined, vars)).toBe(false);
    expect(markerMatches(undefined, {})).toBe(true);
    expect(markerMatches(m1, {})).toBe(false);
  });
});

describe('withSecretsMarker / splitSecretsMarker', () => {
  const marker = { salt: SALT, hash: '0123456789abcdef0123456789abcdef' };
  it('appends the marker to the description and splits it off again', () => {
    const d = withSecretsMarker('Fetch one job', marker);
    expect(d).toBe(`Fetch one job [secrets ${SALT}:${marker.hash}]`);
    expect(splitSecretsMarker(d)).toEqual({ text: 'Fetch one job', marker });
    expect(splitSecretsMarker(withSecretsMarker(undefined, marker))).toEqual({ text: '', marker });
  });

  it('leaves descriptions without secrets, or edited by hand, as text', () => {
    expect(withSecretsMarker('Fetch', undefined)).toBe('Fetch');
    expect(splitSecretsMarker('Fetch')).toEqual({ text: 'Fetch' });
    expect(splitSecretsMarker('Fetch [secrets nothex]')).toEqual({ text: 'Fetch [secrets nothex]' });
    expect(splitSecretsMarker(undefined)).toEqual({ text: '' });
  });
});
