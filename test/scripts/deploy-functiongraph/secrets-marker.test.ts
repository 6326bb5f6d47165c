/** The fingerprint of the encrypted variables kept in a function's description: stable, keyed, reversible to text + fingerprint. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secretsFingerprint, splitSecretsMarker, withSecretsMarker } from '../../../scripts/deploy-functiongraph/secrets-marker';

describe('secretsFingerprint', () => {
  it('is stable across variable order, and changes with any name, value or key', () => {
    const a = secretsFingerprint('sk', { A_SECRET: '1', B_TOKEN: '2' });
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(secretsFingerprint('sk', { B_TOKEN: '2', A_SECRET: '1' })).toBe(a);
    expect(secretsFingerprint('sk', { A_SECRET: '1', B_TOKEN: '3' })).not.toBe(a);
    expect(secretsFingerprint('sk', { A_SECRET: '1', C_TOKEN: '2' })).not.toBe(a);
    expect(secretsFingerprint('other-sk', { A_SECRET: '1', B_TOKEN: '2' })).not.toBe(a);
    // Not a plain hash of the values: without the key it cannot be recomputed.
    expect(a).not.toBe(createHash('sha256').update(JSON.stringify([['A_SECRET', '1'], ['B_TOKEN', '2']])).digest('hex').slice(0, 32));
  });

  it('is undefined without encrypted variables', () => {
    expect(secretsFingerprint('sk', {})).toBeUndefined();
  });
});

describe('withSecretsMarker / splitSecretsMarker', () => {
  const fp = '0123456789abcdef0123456789abcdef';
  it('appends the marker to the description and splits it off again', () => {
    expect(withSecretsMarker('Fetch one job', fp)).toBe(`Fetch one job [secrets ${fp}]`);
    expect(splitSecretsMarker(`Fetch one job [secrets ${fp}]`)).toEqual({ text: 'Fetch one job', fingerprint: fp });
    expect(withSecretsMarker(undefined, fp)).toBe(`[secrets ${fp}]`);
    expect(splitSecretsMarker(`[secrets ${fp}]`)).toEqual({ text: '', fingerprint: fp });
  });

  it('leaves descriptions without secrets, or edited by hand, as text', () => {
    expect(withSecretsMarker('Fetch', undefined)).toBe('Fetch');
    expect(splitSecretsMarker('Fetch')).toEqual({ text: 'Fetch' });
    expect(splitSecretsMarker('Fetch [secrets nothex]')).toEqual({ text: 'Fetch [secrets nothex]' });
    expect(splitSecretsMarker(undefined)).toEqual({ text: '' });
  });
});
