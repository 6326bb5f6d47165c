/** Kubernetes name rules with apimachinery's wording. */
import { describe, expect, it } from 'vitest';
import { dns1123LabelErrors, dns1123SubdomainErrors, labelValueErrors, qualifiedNameErrors, TOTAL_ANNOTATION_SIZE_LIMIT } from '../../../lib/job/names';

describe('DNS-1123 label (namespaces)', () => {
  it.each(['a', 'a-b', '0', 'x'.repeat(63), 'cci-namespace-42263891'])('%s is valid', (v) => expect(dns1123LabelErrors(v)).toEqual([]));
  it.each(['', 'A', 'a_b', 'a.b', '-a', 'a-', 'ä', 'a b', '..', '__proto__', 'constructor '])('%j is not', (v) => {
    expect(dns1123LabelErrors(v)).toEqual([expect.stringMatching(/^a lowercase RFC 1123 label must consist of/)]);
  });
  it('too long: both messages', () => {
    expect(dns1123LabelErrors('x'.repeat(64))).toEqual(['must be no more than 63 characters']);
    expect(dns1123LabelErrors('X'.repeat(64))).toHaveLength(2);
  });
});

describe('DNS-1123 subdomain (job names)', () => {
  it.each(['a', 'a.b', 'a-b.c-d', 'x'.repeat(253), 'openmpi-hello-2-com'])('%s is valid', (v) => expect(dns1123SubdomainErrors(v)).toEqual([]));
  it.each(['', 'A', 'a..b', '.a', 'a.', 'a/b', '%2F', 'a_b'])('%j is not', (v) => expect(dns1123SubdomainErrors(v)).toHaveLength(1));
  it('at most 253 characters', () => expect(dns1123SubdomainErrors('x'.repeat(254))).toEqual(['must be no more than 253 characters']));
});

describe('qualified names (label and annotation keys)', () => {
  it.each(['app', 'app.kubernetes.io/name', 'A_b.c-D', 'example.com/MyName', 'x'.repeat(63), `${'a'.repeat(253)}/n`])('%s is valid', (k) => expect(qualifiedNameErrors(k)).toEqual([]));
  it('names the part that is wrong', () => {
    expect(qualifiedNameErrors('/name')).toEqual(['prefix part must be non-empty']);
    expect(qualifiedNameErrors('Example.com/name')[0]).toMatch(/^prefix part a lowercase RFC 1123 subdomain/);
    expect(qualifiedNameErrors('example.com/')).toEqual(['name part must be non-empty']);
    expect(qualifiedNameErrors('')).toEqual(['name part must be non-empty']);
    expect(qualifiedNameErrors('-a')[0]).toMatch(/^name part must consist of alphanumeric characters/);
    expect(qualifiedNameErrors('x'.repeat(64))).toEqual(['name part must be no more than 63 characters']);
    expect(qualifiedNameErrors('a/b/c')).toEqual([expect.stringMatching(/^a valid label key must consist/)]);
  });
});

describe('label values', () => {
  it.each(['', 'a', 'A-b_c.d', 'x'.repeat(63), '12345'])('%j is valid', (v) => expect(labelValueErrors(v)).toEqual([]));
  it.each(['-a', 'a-', 'a b', 'ü', 'a/b'])('%j is not', (v) => expect(labelValueErrors(v)).toEqual([expect.stringMatching(/^a valid label must be an empty string or/)]));
  it('at most 63 characters', () => expect(labelValueErrors('x'.repeat(64))).toEqual(['must be no more than 63 characters']));
  it('the annotation size limit is apimachinery\'s 256 KiB', () => expect(TOTAL_ANNOTATION_SIZE_LIMIT).toBe(262_144));
});
