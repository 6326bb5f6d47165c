/** core/json: the depth and text walker every caller's JSON goes through before anything else walks it. */
import { describe, expect, it } from 'vitest';
import { jsonProblem, MAX_JSON_DEPTH } from '../../../lib/core/json';

const nested = (n: number): unknown => JSON.parse('['.repeat(n) + ']'.repeat(n));

describe('jsonProblem', () => {
  it('accepts ordinary values up to the depth limit', () => {
    expect(jsonProblem({ a: [1, { b: 'ü€😀' }], c: null })).toBeUndefined();
    expect(jsonProblem(nested(MAX_JSON_DEPTH))).toBeUndefined();
  });

  it('names values nested deeper, iteratively (200,000 levels do not overflow the stack)', () => {
    expect(jsonProblem(nested(MAX_JSON_DEPTH + 1))).toMatch(/deeper than 100/);
    expect(jsonProblem(nested(200_000))).toMatch(/deeper than 100/);
  });

  it('names lone surrogates in values and in keys; pairs are fine', () => {
    expect(jsonProblem(JSON.parse('{"a":"\\ud800"}'))).toMatch(/lone surrogate/);
    expect(jsonProblem(JSON.parse('{"\\udc00":"x"}'))).toMatch(/lone surrogate/);
    expect(jsonProblem(JSON.parse('{"a":"\\ud83d\\ude00"}'))).toBeUndefined();
  });
});
