/** The one plain-object check and the two JSON parse helpers. */
import { describe, expect, it } from 'vitest';
import { hasLoneSurrogate, isJsonObject, jsonProblem, MAX_JSON_DEPTH, nestedDeeperThan, parseJsonOrReason, tryParseJson } from '../../../lib/core/json';

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

describe('hasLoneSurrogate', () => {
  it('is true exactly for text holding an unpaired surrogate, as /\\p{Cs}/u is', () => {
    const texts = ['', 'abc', 'ü€', '\u{1F600}', '\ud83d\ude00x', '\ud800', '\udc00', 'a\ud800b', '\ude00\ud83d', '\ud83d\ud83d\ude00', '\ud83d\ude00\ude00', 'x'.repeat(1000) + '\udfff'];
    for (const t of texts) expect(hasLoneSurrogate(t), JSON.stringify(t)).toBe(/\p{Cs}/u.test(t));
    expect(texts.filter(hasLoneSurrogate)).toHaveLength(7);
  });
});

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

describe('nestedDeeperThan', () => {
  it('draws the line where jsonProblem does, for objects and arrays, iteratively', () => {
    expect(nestedDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestedDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestedDeeperThan(nested(200_000), 1_000)).toBe(true);
    const objects = (n: number): unknown => JSON.parse('{"a":'.repeat(n) + '1' + '}'.repeat(n));
    expect(nestedDeeperThan(objects(3), 3)).toBe(!!jsonProblem(objects(3), 3));
    expect(nestedDeeperThan(objects(4), 3)).toBe(!!jsonProblem(objects(4), 3));
    expect(nestedDeeperThan(objects(4), 3)).toBe(true);
    expect(nestedDeeperThan('x', 0)).toBe(false);
  });

  it('looks at depth only, and jsonProblem looks at it first: a lone surrogate hides no deep value', () => {
    const v = JSON.parse('{"b":' + '['.repeat(50) + ']'.repeat(50) + ',"a":"\\ud800"}');
    expect(nestedDeeperThan(v, 10)).toBe(true);
    expect(jsonProblem(v, 10)).toMatch(/deeper than 10/);
    expect(jsonProblem(v, 100)).toMatch(/lone surrogate/);
    expect(nestedDeeperThan(JSON.parse('{"__proto__":{"constructor":[[]]}}'), 4)).toBe(false);
    expect(nestedDeeperThan(JSON.parse('{"__proto__":{"constructor":[[]]}}'), 3)).toBe(true);
  });
});
