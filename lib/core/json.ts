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

/** How deep a caller's JSON may nest (objects and arrays): far beyond any Volcano Job, far below the stack. */
export const MAX_JSON_DEPTH = 100;

/**
 * Why a parsed JSON value cannot be used, or undefined: nested deeper than `maxDepth`, or holding a
 * string (key or value) with a lone surrogate, which no UTF-8 peer can store. Iterative, so any
 * depth JSON.parse accepts is measured without recursion; everything that walks a value afterwards
 * (validation, JSON.stringify) then stays within the stack.
 */
export function jsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string' && /\p{Cs}/u.test(v)) return 'a string holds invalid Unicode (a lone surrogate)';
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= maxDepth) return `nested deeper than ${maxDepth} levels`;
    for (const [k, x] of Object.entries(v)) stack.push([k, 0], [x, depth + 1]);
  }
  return undefined;
}
