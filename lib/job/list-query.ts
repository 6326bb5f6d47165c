/**
 * The query of a job listing (`labelSelector`, `limit`, `continue`), checked before CCI is called:
 * a bad value is a 400 naming its parameter, never an upstream error. `limit` is bounded so that
 * one answer stays small whatever the namespace holds (one CCI page per call, memory flat); the
 * continue token is CCI's own and passed through untouched, only its size and alphabet checked.
 */
import { badRequest } from '../core/errors';
import { labelSelectorProblem } from './label-selector';

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 500;
/** Kubernetes continue tokens are base64 of a small JSON document: far below this. */
export const MAX_CONTINUE_LENGTH = 8192;

export interface ListQuery {
  labelSelector?: string;
  limit: number;
  continue?: string;
}

const invalid = (name: string, message: string) =>
  badRequest('invalid-query', `Query parameter "${name}" ${message}`, [{ path: `/query/${name}`, message }]);

export function parseListQuery(params: ReadonlyMap<string, string>): ListQuery {
  const out: ListQuery = { limit: DEFAULT_LIST_LIMIT };
  const selector = params.get('labelSelector')?.trim();
  if (selector) {
    const problem = labelSelectorProblem(selector);
    if (problem !== undefined) throw invalid('labelSelector', `is not a valid label selector: ${problem}`);
    out.labelSelector = selector;
  }
  const limit = params.get('limit');
  if (limit !== undefined) {
    if (!/^\d{1,4}$/.test(limit) || +limit < 1 || +limit > MAX_LIST_LIMIT) throw invalid('limit', `must be an integer from 1 to ${MAX_LIST_LIMIT}`);
    out.limit = +limit;
  }
  // An empty token means "from the start", as for the Kubernetes API.
  const token = params.get('continue');
  if (token) {
    if (token.length > MAX_CONTINUE_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
      throw invalid('continue', `must be the "continue" value of a previous answer, unchanged (printable ASCII, at most ${MAX_CONTINUE_LENGTH} characters)`);
    }
    out.continue = token;
  }
  return out;
}
