/** JSON Pointer (RFC 6901) tokens. */
import { describe, expect, it } from 'vitest';
import { escapePointerToken, pointerOf, unescapePointerToken } from '../../../lib/core/pointer';

describe('JSON Pointer', () => {
  it('escapes ~ before / (RFC 6901 order) and unescapes in reverse', () => {
    expect(escapePointerToken('app.kubernetes.io/name')).toBe('app.kubernetes.io~1name');
    expect(escapePointerToken('a~b/c')).toBe('a~0b~1c');
    expect(escapePointerToken('~1')).toBe('~01');
    expect(unescapePointerToken('~01')).toBe('~1');
    expect(unescapePointerToken('a~0b~1c')).toBe('a~b/c');
    for (const t of ['', '~', '/', '~~//', 'plain', '~0~1', 'ü/€']) expect(unescapePointerToken(escapePointerToken(t))).toBe(t);
  });
  it('builds pointers from paths of strings, numbers and symbols', () => {
    expect(pointerOf([])).toBe('');
    expect(pointerOf(['labels', 'a/b'])).toBe('/labels/a~1b');
    expect(pointerOf(['spec', 'tasks', 0, 'replicas'])).toBe('/spec/tasks/0/replicas');
    expect(pointerOf([''])).toBe('/');
    expect(pointerOf([Symbol.for('s')])).toBe('/Symbol(s)');
  });
});
