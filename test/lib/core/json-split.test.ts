/**
 * splitArrayField against JSON.parse itself: for seeded random lists full of what trips a scanner
 * (quotes, backslashes and brackets inside strings, escapes, multi-byte and invalid UTF-8, nesting,
 * whitespace anywhere), the envelope plus the elements parse to exactly what the whole text parses
 * to, and the nesting it counts is the real one. Shapes it does not take on answer undefined.
 */
import { describe, expect, it } from 'vitest';
import { splitArrayField } from '../../../lib/core/json-split';
import { mulberry32 } from '../../support/random';


const NASTY = ['"', '\\', '\\"', '{', '}', '[', ']', ',', ':', 'items', '"items":[', 'é', '日本', '😀', '\u0000', '\n', ' ', 'a'];

function randomString(r: () => number): string {
  let s = '';
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) s += NASTY[Math.floor(r() * NASTY.length)];
  return s;
}

function randomValue(r: () => number, depth: number): unknown {
  const k = r();
  if (depth > 4 || k < 0.3) return [randomString(r), Math.floor(r() * 1000) - 500, r() < 0.5, null, 1.5e-7][Math.floor(r() * 5)];
  if (k < 0.65) {
    const o: Record<string, unknown> = {};
    const n = Math.floor(r() * 4);
    for (let i = 0; i < n; i++) o[randomString(r) || `k${i}`] = randomValue(r, depth + 1);
    return o;
  }
  return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
}

/** How many levels of objects and arrays nest in a value (0 for a scalar). */
function nesting(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  const inner = Array.isArray(v) ? v : Object.values(v);
  return 1 + Math.max(0, ...inner.map(nesting));
}

/** JSON text with random whitespace around every structural character. */
function spaced(text: string, r: () => number): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    out += c;
    if (c === '"') inString = !inString;
    else if (c === '\\' && inString) out += text[++i]!;
    if (!inString && '{}[],:'.includes(c) && r() < 0.3) out += [' ', '\n', '\t', '\r\n  '][Math.floor(r() * 4)];
  }
  return out;
}

function reassemble(buf: Buffer): { value: unknown; depths: number[] } | undefined {
  const split = splitArrayField(buf, 'items');
  if (!split) return undefined;
  const value = JSON.parse(split.envelope) as Record<string, unknown>;
  const items: unknown[] = [];
  const depths: number[] = [];
  for (let k = 0; k < split.elements.length; k += 3) {
    items.push(JSON.parse(buf.toString('utf8', split.elements[k], split.elements[k + 1])));
    depths.push(split.elements[k + 2]!);
  }
  value.items = items;
  return { value, depths };
}

describe('splitArrayField', () => {
  it('envelope + elements parse to what the whole text parses to, for 2,000 seeded random lists', () => {
    const r = mulberry32(15);
    for (let n = 0; n < 2_000; n++) {
      const items = Array.from({ length: Math.floor(r() * 6) }, () => (r() < 0.8 ? { kind: 'Job', metadata: { name: randomString(r) }, spec: randomValue(r, 1) } : randomValue(r, 0)));
      const list: Record<string, unknown> = {};
      // The field anywhere among others, which hold look-alikes of it.
      if (r() < 0.5) list.apiVersion = 'batch.volcano.sh/v1alpha1';
      if (r() < 0.5) list.decoy = { items: [1, 2], '"items"': '[' };
      list.items = items;
      if (r() < 0.7) list.metadata = { continue: randomString(r), resourceVersion: '42' };
      const text = r() < 0.5 ? spaced(JSON.stringify(list), r) : JSON.stringify(list);
      const got = reassemble(Buffer.from(text));
      expect(got, text).toBeDefined();
      expect(got!.value).toEqual(JSON.parse(text));
      expect(got!.depths).toEqual(items.map(nesting));
    }
  });

  it('bytes that are not UTF-8 decode as a whole-text decode would (U+FFFD), since pieces end at ASCII', () => {
    const buf = Buffer.concat([Buffer.from('{"items":[{"n":"'), Buffer.from([0xff, 0xc3]), Buffer.from('"},{"m":"\u00e9"}],"x":"'), Buffer.from([0xe6, 0x97]), Buffer.from('"}')]);
    expect(reassemble(buf)!.value).toEqual(JSON.parse(buf.toString('utf8')));
  });

  it('counts nesting deep beyond any stack without recursion', () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const split = splitArrayField(Buffer.from(`{"items":[{"a":${deep}}, 7]}`), 'items')!;
    expect([split.elements[2], split.elements[5]]).toEqual([5_001, 0]);
  });

  it('an empty list, and a list whose field comes last or first', () => {
    expect(reassemble(Buffer.from('{"items":[]}'))!.value).toEqual({ items: [] });
    expect(reassemble(Buffer.from(' {"a":{"items":[9]},"items":[{"b":1}]} '))!.value).toEqual({ a: { items: [9] }, items: [{ b: 1 }] });
  });

  it.each([
    ['no such field', '{"item":[1]}'],
    ['the field twice (JSON.parse keeps the last)', '{"items":[1],"items":[2]}'],
    ['a top-level key with an escape (the same key to JSON.parse)', '{"it\\u0065ms":[1],"items":[2]}'],
    ['the field not an array', '{"items":{"a":1}}'],
    ['the field null', '{"items":null}'],
    ['an array at the top', '[{"items":[1]}]'],
    ['a byte-order mark (JSON.parse refuses it too)', '\ufeff{"items":[]}'],
    ['an empty element', '{"items":[1,,2]}'],
    ['a trailing comma', '{"items":[1,]}'],
    ['a leading comma', '{"items":[,1]}'],
    ['an unterminated string', '{"items":[{"a":"x}]}'],
    ['unbalanced brackets', '{"items":[{"a":1]}'],
    ['an unterminated object', '{"items":[1]'],
  ])('leaves %s to the whole-text parse', (_what, text) => {
    expect(splitArrayField(Buffer.from(text), 'items')).toBeUndefined();
  });

  it('invalid JSON inside a piece or the envelope surfaces in their parse, as in the whole-text parse', () => {
    for (const text of ['{"items":[{"a":01}]}', '{"items":[{"a":1} {"b":2}]}', '{"items":[tru]}', '{"items":[1]} x', '{"items":[1],}']) {
      expect(() => JSON.parse(text)).toThrow();
      const split = splitArrayField(Buffer.from(text), 'items');
      if (!split) continue;
      const buf = Buffer.from(text);
      const parses = () => {
        JSON.parse(split.envelope);
        for (let k = 0; k < split.elements.length; k += 3) JSON.parse(buf.toString('utf8', split.elements[k], split.elements[k + 1]));
      };
      expect(parses, text).toThrow();
    }
  });
});

describe('splitArrayField admit', () => {
  it('sees each element as it is found and stops the scan at the first it refuses (null)', () => {
    const buf = Buffer.from('{"items":[{"a":1}, 2 ,{"b":[3]}],"x":1}');
    const seen: string[] = [];
    const all = splitArrayField(buf, 'items', (s, e) => (seen.push(buf.toString('utf8', s, e).trim()), true));
    expect(seen).toEqual(['{"a":1}', '2', '{"b":[3]}']);
    expect(all!.elements).toHaveLength(9);
    const stopped: string[] = [];
    expect(splitArrayField(buf, 'items', (s, e) => (stopped.push(buf.toString('utf8', s, e).trim()), buf[s] === 0x7b))).toBeNull();
    expect(stopped).toEqual(['{"a":1}', '2']);
  });
});
