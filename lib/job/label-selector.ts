/**
 * Label selector syntax, checked before a selector is sent upstream so that a bad one is a 400
 * naming the problem instead of a CCI round trip (and its 400 hidden behind our 422/502 mapping).
 * The grammar is apimachinery's `labels.Parse` (pkg/labels/selector.go), token for token:
 * `key`, `!key`, `key=v`, `key==v`, `key!=v`, `key in (a,b)`, `key notin (a,b)`, `key>1`, `key<1`,
 * joined by commas. As there, `in ()`, `(a,)` and `(,)` are valid sets (they hold the empty value),
 * `key=` means the empty value, `in`/`notin` are plain values after an operator, and a trailing
 * comma after a requirement is an error. Keys follow the label key rules, values the label value
 * rules; `>`/`<` take one integer. Only the syntax is checked: nothing is matched here.
 */
import { labelValueErrors, qualifiedNameErrors } from './names';

/** Longer selectors are refused: they cannot be meant and only cost parsing time. */
export const MAX_SELECTOR_LENGTH = 4096;

type Kind = 'id' | 'in' | 'notin' | '!' | '!=' | '=' | '==' | '<' | '>' | '(' | ')' | ',' | 'end';
interface Token {
  kind: Kind;
  text: string;
}

const SPECIAL = '=!(),<>';
const SPACE = ' \t\r\n';
const INT64_MAX = 9223372036854775807n;

class Problem extends Error {}

function lex(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && SPACE.includes(s[i]!)) i++;
    if (i >= s.length) {
      out.push({ kind: 'end', text: '' });
      return out;
    }
    if (SPECIAL.includes(s[i]!)) {
      // The lexer takes the longest operator: `!=` and `==` are the only two-character ones.
      const two = s.slice(i, i + 2);
      const text = two === '!=' || two === '==' ? two : s[i]!;
      out.push({ kind: text as Kind, text });
      i += text.length;
      continue;
    }
    let j = i;
    while (j < s.length && !SPECIAL.includes(s[j]!) && !SPACE.includes(s[j]!)) j++;
    const text = s.slice(i, j);
    out.push({ kind: text === 'in' || text === 'notin' ? text : 'id', text });
    i = j;
  }
}

/** Why the selector is not one the API server would accept, or undefined when it is. */
export function labelSelectorProblem(selector: string): string | undefined {
  if (selector.length > MAX_SELECTOR_LENGTH) return `is longer than ${MAX_SELECTOR_LENGTH} characters`;
  // Go's lexer stops at a NUL byte and would silently ignore the rest.
  if (selector.includes('\0')) return 'contains a NUL character';
  try {
    parse(lex(selector));
    return undefined;
  } catch (err) {
    if (err instanceof Problem) return err.message;
    throw err;
  }
}

function parse(tokens: Token[]): void {
  let p = 0;
  /** In value positions, `in` and `notin` are identifiers (apimachinery's `Values` context). */
  const look = (values = true): Kind => {
    const k = tokens[p]!.kind;
    return values && (k === 'in' || k === 'notin') ? 'id' : k;
  };
  const take = (values = true): Token => {
    const kind = look(values);
    return { kind, text: tokens[p++]!.text };
  };
  const found = (t: Token) => (t.kind === 'end' ? 'end of string' : `'${t.text}'`);
  const fail = (message: string): never => {
    throw new Problem(message);
  };

  for (;;) {
    const k = look();
    if (k === 'end') return;
    if (k !== 'id' && k !== '!') fail(`found ${found(tokens[p]!)}, expected: !, identifier, or 'end of string'`);
    requirement();
    const sep = take();
    if (sep.kind === 'end') return;
    if (sep.kind !== ',') fail(`found ${found(sep)}, expected: ',' or 'end of string'`);
    const after = look();
    if (after !== 'id' && after !== '!') fail(`found ${found(tokens[p]!)}, expected: identifier after ','`);
  }

  function requirement(): void {
    let t = take();
    const negated = t.kind === '!';
    if (negated) t = take();
    if (t.kind !== 'id') fail(`found ${found(t)}, expected: identifier`);
    const key = t.text;
    const keyErrors = qualifiedNameErrors(key);
    if (keyErrors.length > 0) fail(`key "${key}": ${keyErrors.join('; ')}`);
    const next = look();
    // `key` and `!key` alone; `!key` followed by anything else fails at the separator check.
    if (negated || next === 'end' || next === ',') return;
    const op = take(false);
    let values: string[];
    switch (op.kind) {
      case 'in':
      case 'notin':
        values = valueSet();
        break;
      case '=':
      case '==':
      case '!=':
      case '<':
      case '>': {
        const v = look();
        if (v === 'end' || v === ',') values = [''];
        else {
          const value = take();
          if (value.kind !== 'id') fail(`found ${found(value)}, expected: identifier`);
          values = [value.text];
        }
        if ((op.kind === '<' || op.kind === '>') && !(/^\d+$/.test(values[0]!) && BigInt(values[0]!) <= INT64_MAX)) {
          fail(`key "${key}": for '>', '<' operators, the value must be an integer`);
        }
        break;
      }
      default:
        return fail(`found ${found(op)}, expected: in, notin, =, ==, !=, >, <`);
    }
    for (const value of values) {
      const errors = labelValueErrors(value);
      if (errors.length > 0) fail(`value "${value}" of key "${key}": ${errors.join('; ')}`);
    }
  }

  function valueSet(): string[] {
    const open = take();
    if (open.kind !== '(') fail(`found ${found(open)} expected: '('`);
    const first = look();
    if (first === ')') {
      take();
      return [''];
    }
    if (first !== 'id' && first !== ',') fail(`found ${found(tokens[p]!)}, expected: ',', ')' or identifier`);
    const values: string[] = [];
    for (;;) {
      const t = take();
      if (t.kind === 'id') {
        values.push(t.text);
        const after = look();
        if (after === ')') break;
        if (after !== ',') fail(`found ${found(tokens[p]!)}, expected: ',' or ')'`);
      } else if (t.kind === ',') {
        // `(,`, `,,` and `,)` stand for the empty value.
        if (values.length === 0) values.push('');
        const after = look();
        if (after === ')') {
          values.push('');
          break;
        }
        if (after === ',') {
          take();
          values.push('');
        }
      } else {
        fail(`found ${found(t)}, expected: ',', or identifier`);
      }
    }
    take();
    return values;
  }
}
