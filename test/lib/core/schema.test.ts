/** The minimal typed schema of the hot input paths: strictness, per-entry issues, built-in keys as data. */
import { describe, expect, it } from 'vitest';
import { entries, optional, strictObject, value } from '../../../lib/core/schema';

const isString = (v: unknown) => typeof v === 'string';
const schema = strictObject({
  name: value<string>(isString, 'must be a string'),
  labels: optional(entries<string>(isString, 'must be a string')),
  count: optional(value<number>((v) => Number.isInteger(v), 'must be an integer')),
});

describe('strictObject', () => {
  it('passes a valid object through as the same object (no copy)', () => {
    const input = JSON.parse('{"name":"a","labels":{"x":"y"}}') as unknown;
    const r = schema.parse(input);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value).toBe(input);
      const name: string = r.value.name;
      expect(name).toBe('a');
    }
  });

  it('reports each failure at its JSON pointer: required, wrong type, unknown key, bad entries', () => {
    const r = schema.parse(JSON.parse('{"count":1.5,"labels":{"ok":"1","a/b":2,"c":null},"extra":true}'));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues).toEqual([
        { path: '/name', message: 'must be a string' },
        { path: '/labels/a~1b', message: 'must be a string' },
        { path: '/labels/c', message: 'must be a string' },
        { path: '/count', message: 'must be an integer' },
        { path: '/extra', message: 'is not a known field' },
      ]);
    }
  });

  it('refuses anything that is not a JSON object at the root, and maps that are not objects', () => {
    for (const v of [null, [], 'x', 1, true]) expect(schema.parse(v)).toEqual({ ok: false, issues: [{ path: '', message: 'must be an object' }] });
    expect(schema.parse({ name: 'a', labels: ['x'] })).toEqual({ ok: false, issues: [{ path: '/labels', message: 'must be an object' }] });
  });

  it('treats __proto__, constructor and toString as ordinary keys, never as inherited properties', () => {
    const r = schema.parse(JSON.parse('{"name":"a","labels":{"__proto__":"x","constructor":"y","toString":"z"}}'));
    expect(r.ok).toBe(true);
    if (r.ok) expect(Object.entries(r.value.labels!)).toEqual([['__proto__', 'x'], ['constructor', 'y'], ['toString', 'z']]);
    // A key named like a schema field's prototype member is still unknown, not "known".
    const bad = schema.parse(JSON.parse('{"name":"a","__proto__":{"count":1},"hasOwnProperty":1}'));
    expect(bad).toEqual({
      ok: false,
      issues: [
        { path: '/__proto__', message: 'is not a known field' },
        { path: '/hasOwnProperty', message: 'is not a known field' },
      ],
    });
  });

  it('an optional field may be absent or undefined; a required one may not', () => {
    expect(schema.parse({ name: 'a', count: undefined }).ok).toBe(true);
    expect(schema.parse({ labels: {} })).toEqual({ ok: false, issues: [{ path: '/name', message: 'must be a string' }] });
  });
});
