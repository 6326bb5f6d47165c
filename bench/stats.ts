/** Small statistics helpers for the bench (no dependency). */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let t = 0;
  for (const x of xs) t += x;
  return t / xs.length;
}

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

export interface Summary {
  n: number;
  medianMs: number;
  meanMs: number;
  p95Ms: number;
  minMs: number;
}

export function summarize(xs: readonly number[]): Summary {
  return {
    n: xs.length,
    medianMs: round(median(xs)),
    meanMs: round(mean(xs)),
    p95Ms: round(percentile(xs, 95)),
    minMs: round(xs.length ? Math.min(...xs) : NaN),
  };
}

export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
