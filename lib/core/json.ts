/**
 * The one place that answers "is this a plain JSON object?" and "does this text parse?". Every
 * module that reads untrusted JSON (events, upstream answers, patch bodies) used to carry its own
 * copy; one definition keeps their behaviour identical.
 */

/** A JSON object (not null, not an array). */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parsed value, or undefined when the text is not JSON. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Parses JSON or says why not (the parser's own message), for callers that word a 400. */
export function parseJsonOrReason(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : 'parse error' };
  }
}

/**
 * True when `s` holds a lone surrogate, text no UTF-8 peer can store. String.prototype.isWellFormed
 * (ES2024, present in Node 20) rather than `/\p{Cs}/u`: the first Unicode-property regex of a
 * process costs ~0.3 ms (measured), paid by every cold start's first request. Typed here because
 * the project's lib is ES2023.
 */
export const hasLoneSurrogate = (s: string): boolean => !(s as string & { isWellFormed(): boolean }).isWellFormed();

/** How deep a caller's JSON may nest (objects and arrays): far beyond any Volcano Job, far below the stack. */
export const MAX_JSON_DEPTH = 100;

/**
 * Why a parsed JSON value cannot be used, or undefined: nested deeper than `maxDepth`, or holding a
 * string (key or value) with a lone surrogate, which no UTF-8 peer can store. The depth is measured
 * first and without recursion (`nestedDeeperThan`), so any depth JSON.parse accepts is safe to
 * measure; the string walk after it then recurses at most `maxDepth` deep, and so does everything
 * that walks the value afterwards (validation, JSON.stringify).
 */
export function jsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  if (nestedDeeperThan(value, maxDepth)) return `nested deeper than ${maxDepth} levels`;
  const lone = (v: unknown): boolean =>
    typeof v === 'string' ? hasLoneSurrogate(v) : typeof v === 'object' && v !== null && Object.entries(v).some(([k, x]) => lone(k) || lone(x));
  return lone(value) ? 'a string holds invalid Unicode (a lone surrogate)' : undefined;
}

/**
 * The depth half of `jsonProblem`, alone for a check on every upstream answer (each job of a
 * sweep's pages): no string is tested and no [key, value] pair is built, so it costs a fraction of
 * the parse. Same depth rule: true when an object or array sits `maxDepth` levels down.
 */
export function nestedDeeperThan(value: unknown, maxDepth: number): boolean {
  // Level by level: `level` holds the values `depth` levels down.
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const v of level) {
      if (typeof v !== 'object' || v === null) continue;
      if (depth >= maxDepth) return true;
      for (const x of Array.isArray(v) ? v : Object.values(v)) next.push(x);
    }
    level = next;
  }
  return false;
}
