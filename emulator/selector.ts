/**
 * Kubernetes label selector (`labels.Parse`) and the field selectors custom resources support.
 */
import { labelKeyErrors, labelValueErrors } from './validation';

export type Op = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  op: Op;
  values: string[];
}

export type Selector = (labels: Record<string, string> | undefined) => boolean;

export class SelectorError extends Error {}

type Tok =
  | { t: 'id'; v: string }
  | { t: 'in' }
  | { t: 'notin' }
  | { t: '!' }
  | { t: '!=' }
  | { t: '=' }
  | { t: '==' }
  | { t: '<' }
  | { t: '>' }
  | { t: '(' }
  | { t: ')' }
  | { t: ',' }
  | { t: 'end' };

const SPECIAL = new Set(['!', '=', '(', ')', ',', '<', '>']);

function lex(input: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '!' && input[i + 1] === '=') {
      out.push({ t: '!=' });
      i += 2;
    } else if (c === '=' && input[i + 1] === '=') {
      out.push({ t: '==' });
      i += 2;
    } else if (SPECIAL.has(c)) {
      out.push({ t: c as '!' | '=' | '(' | ')' | ',' | '<' | '>' });
      i++;
    } else {
      let j = i;
      while (j < input.length && !SPECIAL.has(input[j]!) && !/\s/.test(input[j]!)) j++;
      const v = input.slice(i, j);
      if (v === 'in') out.push({ t: 'in' });
      else if (v === 'notin') out.push({ t: 'notin' });
      else out.push({ t: 'id', v });
      i = j;
    }
  }
  out.push({ t: 'end' });
  return out;
}

function tokText(t: Tok): string {
  return t.t === 'id' ? t.v : t.t === 'end' ? '' : t.t;
}

const isValueTok = (t: Tok): t is Extract<Tok, { t: 'id' | 'in' | 'notin' }> => t.t === 'id' || t.t === 'in' || t.t === 'notin';
const valueText = (t: Extract<Tok, { t: 'id' | 'in' | 'notin' }>): string => (t.t === 'id' ? t.v : t.t);

/**
 * apimachinery labels parser parseValues / parseIdentifiersList, after the '(': `()` is the set {""},
 * a leading, trailing or doubled comma adds "" (`(web,)` is {web, ""}); duplicates collapse.
 */
function parseValues(peek: () => Tok, next: () => Tok): string[] {
  const set: string[] = [];
  const add = (v: string): void => {
    if (!set.includes(v)) set.push(v);
  };
  const first = peek();
  if (first.t === ')') {
    next();
    return [''];
  }
  if (!isValueTok(first) && first.t !== ',') {
    throw new SelectorError(`unable to parse requirement: found '${tokText(first)}', expected: ',', ')' or identifier`);
  }
  for (;;) {
    const t = next();
    if (isValueTok(t)) {
      add(valueText(t));
      const la = peek();
      if (la.t === ',') continue;
      if (la.t === ')') break;
      throw new SelectorError(`unable to parse requirement: found '${tokText(la)}', expected: ',' or ')'`);
    } else if (t.t === ',') {
      if (set.length === 0) add('');
      const la = peek();
      if (la.t === ')') {
        add('');
        break;
      }
      if (la.t === ',') {
        next();
        add('');
      }
    } else {
      throw new SelectorError(`unable to parse requirement: found '${tokText(t)}', expected: ',', or identifier`);
    }
  }
  const close = next();
  if (close.t !== ')') throw new SelectorError(`unable to parse requirement: found '${tokText(close)}', expected: ')'`);
  return set;
}

export function parseLabelSelector(input: string): Requirement[] {
  const toks = lex(input);
  let p = 0;
  const peek = (): Tok => toks[p]!;
  const next = (): Tok => toks[p++]!;
  const reqs: Requirement[] = [];
  if (peek().t === 'end') return reqs;
  for (;;) {
    let negate = false;
    if (peek().t === '!') {
      next();
      negate = true;
    }
    const kt = next();
    if (kt.t !== 'id') throw new SelectorError(`unable to parse requirement: found '${tokText(kt)}', expected: identifier`);
    const key = kt.v;
    const kerr = labelKeyErrors(key);
    if (kerr.length > 0) throw new SelectorError(`unable to parse requirement: key: Invalid value: ${JSON.stringify(key)}: ${kerr.join('; ')}`);
    let req: Requirement;
    const after = peek();
    if (negate) {
      if (after.t !== 'end' && after.t !== ',')
        throw new SelectorError(`unable to parse requirement: found '${tokText(after)}', expected: ',' or 'end of string'`);
      req = { key, op: '!', values: [] };
    } else if (after.t === 'end' || after.t === ',') {
      req = { key, op: 'exists', values: [] };
    } else if (after.t === '=' || after.t === '==' || after.t === '!=' || after.t === '<' || after.t === '>') {
      next();
      const vt = peek();
      let value = '';
      if (vt.t === 'id') {
        value = vt.v;
        next();
      } else if (vt.t === 'in' || vt.t === 'notin') {
        value = vt.t;
        next();
      } else if (vt.t !== 'end' && vt.t !== ',') {
        throw new SelectorError(`unable to parse requirement: found '${tokText(vt)}', expected: identifier`);
      }
      if (after.t === '<' || after.t === '>') {
        if (!/^-?\d+$/.test(value))
          throw new SelectorError(`unable to parse requirement: values[0]: Invalid value: ${JSON.stringify(value)}: for 'Gt', 'Lt' operators, the value must be an integer`);
        req = { key, op: after.t === '<' ? 'lt' : 'gt', values: [value] };
      } else {
        req = { key, op: after.t === '!=' ? '!=' : '=', values: [value] };
      }
    } else if (after.t === 'in' || after.t === 'notin') {
      next();
      const lp = next();
      if (lp.t !== '(') throw new SelectorError(`unable to parse requirement: found '${tokText(lp)}', expected: '('`);
      const values = parseValues(peek, next);
      req = { key, op: after.t, values };
    } else {
      throw new SelectorError(`unable to parse requirement: found '${tokText(after)}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    if (req.op !== 'gt' && req.op !== 'lt') {
      req.values.forEach((v, i) => {
        const verr = labelValueErrors(v);
        if (verr.length > 0)
          throw new SelectorError(`unable to parse requirement: values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${verr.join('; ')}`);
      });
    }
    reqs.push(req);
    const sep = next();
    if (sep.t === 'end') break;
    if (sep.t !== ',') throw new SelectorError(`found '${tokText(sep)}', expected: ',' or 'end of string'`);
    if (peek().t === 'end') throw new SelectorError(`found '', expected: identifier after ','`);
  }
  return reqs;
}

export function matches(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  for (const r of reqs) {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = has ? labels![r.key] : undefined;
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case '=':
        if (!has || v !== r.values[0]) return false;
        break;
      case '!=':
        if (has && v === r.values[0]) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v!)) return false;
        const n = Number(v);
        const want = Number(r.values[0]);
        if (r.op === 'gt' ? !(n > want) : !(n < want)) return false;
        break;
      }
    }
  }
  return true;
}

export interface FieldRequirement {
  field: 'metadata.name' | 'metadata.namespace';
  equal: boolean;
  value: string;
}

/** Field selectors for custom resources: only metadata.name and metadata.namespace, with =, == and !=. */
export function parseFieldSelector(input: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  if (input.trim() === '') return out;
  for (const part of input.split(',')) {
    const m = /^\s*([^!=\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!m) throw new SelectorError(`invalid selector: '${input}'; can't understand '${part}'`);
    const field = m[1]!;
    if (field !== 'metadata.name' && field !== 'metadata.namespace') throw new SelectorError(`field label not supported: ${field}`);
    out.push({ field, equal: m[2] !== '!=', value: m[3]! });
  }
  return out;
}
