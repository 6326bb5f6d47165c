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
