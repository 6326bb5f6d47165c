/** The one plain-object check and the two JSON parse helpers. */
import { describe, expect, it } from 'vitest';
import { isJsonObject, jsonProblem, MAX_JSON_DEPTH, parseJsonOrReason, tryParseJson } from '../../../lib/core/json';

describe('isJsonObject', () => {
  it('objects only: not null, arrays or primitives', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject(JSON.parse('{"__proto__":1}'))).toBe(true);
    expect(isJsonObject(Object.create(null))).toBe(true);
    for (const v of [null, undefined, [], [1], 'x', 1, true, () => 1]) expect(isJsonObject(v)).toBe(false);
  });
});

describe('tryParseJson', () => {
  it('parses JSON, any top-level type', () => {
    expect(tryParseJson('{"a":[1,null]}')).toEqual({ a: [1, null] });
    expect(tryParseJson('"s"')).toBe('s');
    expect(tryParseJson('null')).toBeNull();
    expect(tryParseJson(' 5 ')).toBe(5);
  });
  it('undefined for anything that is not JSON', () => {
    for (const t of ['', '{', "{'a':1}", 'undefined', '<html>', '{"a":1}x', '\uFEFF{}']) expect(tryParseJson(t)).toBeUndefined();
  });
  it('keeps __proto__ as an own key (no prototype change)', () => {
    const v = tryParseJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseJsonOrReason', () => {
  it('the value, or the parser\'s own reason', () => {
    expect(parseJsonOrReason('[1]')).toEqual({ ok: true, value: [1] });
    expect(parseJsonOrReason('null')).toEqual({ ok: true, value: null });
    const bad = parseJsonOrReason('{"a":');
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.reason).toMatch(/JSON|Unexpected|end/i);
  });
});

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
