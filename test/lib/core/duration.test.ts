/** Configuration durations: bare seconds or `<number><unit>` groups (ms, s, m, h, d). */
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../lib/core/duration';

describe('parseDuration', () => {
  it.each([
    ['3600', 3_600_000],
    ['90', 90_000],
    ['1.5', 1_500],
    ['0', 0],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['45s', 45_000],
    ['250ms', 250],
    [' 2H ', 7_200_000],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'abc', '-5', '5x', 'h', '1h 30m', '1e3', 'm30'])('%j is refused', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('parseDuration, more shapes', () => {
  it('adds groups in any order and repeats, and rounds fractions to whole milliseconds', () => {
    expect(parseDuration('30m1h')).toBe(5_400_000);
    expect(parseDuration('1s1s')).toBe(2_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('0.0004')).toBe(0);
    expect(parseDuration('1d2h3m4s5ms')).toBe(86_400_000 + 7_200_000 + 180_000 + 4_000 + 5);
  });
  it.each(['1.', '.5', '1.5.5', '1hh', 'ms', '1 h', '١h', 'Infinity', 'NaN', '0x10'])('%j is refused', (text) => expect(parseDuration(text)).toBeUndefined());
});
