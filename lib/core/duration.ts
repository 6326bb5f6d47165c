/**
 * Durations in configuration: a bare number is seconds (what the contract promised first), or
 * one or more `<number><unit>` groups with units ms, s, m, h, d (`90s`, `30m`, `1h30m`, `1d`).
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SECONDS = /^\d+(\.\d+)?$/;
const GROUPS = /^(\d+(\.\d+)?(ms|s|m|h|d))+$/;
const GROUP = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Milliseconds, or undefined when the text is not a duration (callers word the error). */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (SECONDS.test(t)) return Math.round(Number(t) * 1_000);
  if (!GROUPS.test(t)) return undefined;
  let ms = 0;
  for (const m of t.matchAll(GROUP)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return Math.round(ms);
}
