/**
 * Splits a JSON object's array field into its elements without parsing the whole text: the
 * sweep's pages (a JobList of hundreds of jobs) are parsed one job at a time, so no page of jobs
 * ever exists as one string or one tree. A whole page as one tree (a few times its text) outlives
 * several young-generation collections while it is walked and ends in the old generation; one job
 * at a time dies young. The split works on the bytes as they came off the socket: JSON's
 * structural characters are ASCII and never occur inside a UTF-8 multi-byte sequence.
 *
 * The split only finds boundaries; validity is left to JSON.parse of each piece, and the pieces
 * are exactly the text a whole-text parse would read for them, so the values are the same. What
 * this scanner does not take on (no such field, the field twice, a top-level key written with an
 * escape, anything but an object at the top) answers undefined: the caller parses the whole text,
 * and gets exactly what it got before this existed.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

export interface ArrayFieldSplit {
  /** The object's text with the field's array emptied (`[]`): everything but the elements, to parse as one. */
  envelope: string;
  /**
   * The elements, three numbers each: start and end byte offsets (end exclusive; the text may carry
   * surrounding whitespace, which JSON.parse ignores) and how many levels of objects and arrays
   * nest inside the element (0 for a scalar, 1 for `{}`, 2 for `{"a":[]}`).
   */
  elements: number[];
}

const isSpace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

function skipSpace(bytes: Uint8Array, i: number): number {
  while (isSpace(bytes[i])) i++;
  return i;
}

/** The index of the quote that closes the string opened at `open`, or -1. */
function closingQuote(bytes: Uint8Array, open: number): number {
  for (let i = open; ; ) {
    i = bytes.indexOf(QUOTE, i + 1);
    if (i < 0) return -1;
    let backslashes = 0;
    while (bytes[i - 1 - backslashes] === BACKSLASH) backslashes++;
    if ((backslashes & 1) === 0) return i;
  }
}

/**
 * `bytes` as a JSON object whose field `key` (ASCII, written without escapes) holds an array: the
 * envelope and the elements' offsets. Undefined when the text is not that shape as far as a scan
 * can tell; invalid JSON inside a piece is found by the caller's parse of that piece.
 *
 * `admit` sees each element's offsets as it is found: false stops the scan at once and answers
 * null (the caller refuses the whole text). It keeps a hostile answer from costing more than its
 * bytes: 16 MiB of `{},{},...` would otherwise be 5 million offsets before the first parse.
 */
export function splitArrayField(bytes: Buffer, key: string, admit?: (start: number, end: number) => boolean): ArrayFieldSplit | null | undefined {
  const start = skipSpace(bytes, 0);
  if (bytes[start] !== OPEN_OBJECT) return undefined;
  const elements: number[] = [];
  let depth = 0;
  /** At depth 1, the next string is a key (after `{` or `,`). */
  let expectKey = false;
  let arrayOpen = -1;
  let arrayClose = -1;
  /** Inside the field's array (depth 2 is between its elements). */
  let inArray = false;
  let elementStart = -1;
  let elementDepth = 0;

  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === QUOTE) {
      const end = closingQuote(bytes, i);
      if (end < 0) return undefined;
      if (depth === 1 && expectKey) {
        expectKey = false;
        const escaped = bytes.indexOf(BACKSLASH, i + 1);
        // `"it\u0065ms"` is the same key to JSON.parse: leave such a text to it.
        if (escaped >= 0 && escaped < end) return undefined;
        // Top-level keys are few (a list has four): decoding each to compare costs nothing.
        if (end - i - 1 === key.length && bytes.toString('latin1', i + 1, end) === key) {
          const colon = skipSpace(bytes, end + 1);
          if (bytes[colon] !== COLON) return undefined;
          const value = skipSpace(bytes, colon + 1);
          // Not an array, or the field twice (JSON.parse keeps the last): the whole-text parse decides.
          if (bytes[value] !== OPEN_ARRAY || arrayOpen >= 0) return undefined;
          arrayOpen = value;
          inArray = true;
          depth = 2;
          i = value;
          continue;
        }
      } else if (inArray && depth === 2 && elementStart < 0) {
        elementStart = i;
        elementDepth = 2;
      }
      i = end;
      continue;
    }
    switch (b) {
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (inArray && depth === 2 && elementStart < 0) {
          elementStart = i;
          elementDepth = 2;
        }
        depth++;
        if (depth === 1) expectKey = true;
        if (inArray && depth > elementDepth) elementDepth = depth;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        if (inArray && depth === 2) {
          if (b !== CLOSE_ARRAY) return undefined;
          if (elementStart >= 0) {
            if (admit && !admit(elementStart, i)) return null;
            elements.push(elementStart, i, elementDepth - 2);
          } else if (elements.length > 0) return undefined; // `[{...},]`
          elementStart = -1;
          inArray = false;
          arrayClose = i;
        }
        depth--;
        if (depth < 0) return undefined;
        // Only whitespace may follow the top-level object; JSON.parse of the envelope checks it.
        break;
      case COMMA:
        if (depth === 1) expectKey = true;
        else if (inArray && depth === 2) {
          if (elementStart < 0) return undefined; // `[,` or `,,`
          if (admit && !admit(elementStart, i)) return null;
          elements.push(elementStart, i, elementDepth - 2);
          elementStart = -1;
        }
        break;
      default:
        if (inArray && depth === 2 && elementStart < 0 && !isSpace(b)) {
          elementStart = i;
          elementDepth = 2;
        }
    }
  }
  if (depth !== 0 || arrayOpen < 0 || arrayClose < 0) return undefined;
  return { envelope: `${bytes.toString('utf8', 0, arrayOpen)}[]${bytes.toString('utf8', arrayClose + 1)}`, elements };
}
