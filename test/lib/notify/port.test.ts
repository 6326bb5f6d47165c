/** Subjects every channel accepts: one line, no control characters, fewer than 100 characters (SNS), no split surrogate. */
import { describe, expect, it } from 'vitest';
import { MAX_SUBJECT, safeSubject } from '../../../lib/notify/port';

describe('safeSubject', () => {
  it('keeps a short line as it is', () => {
    expect(safeSubject('Job ns/j: Running → Failed')).toBe('Job ns/j: Running → Failed');
  });
  it('turns line breaks and control characters into spaces and trims', () => {
    expect(safeSubject('  a\r\nb\tc\u0000d\u2028e\u0085 ')).toBe('a b c d e');
  });
  it('cuts at 99 characters with an ellipsis, never inside a surrogate pair', () => {
    const long = 'x'.repeat(200);
    expect(safeSubject(long)).toHaveLength(MAX_SUBJECT);
    expect(safeSubject(long).endsWith('…')).toBe(true);
    const emoji = 'y'.repeat(MAX_SUBJECT - 2) + '😀😀😀';
    const cut = safeSubject(emoji);
    expect(cut.length).toBeLessThanOrEqual(MAX_SUBJECT);
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(MAX_SUBJECT).toBe(99);
  });
});
