/**
 * Query parameters: the route declares the ones it accepts; any other is a 400 naming it, and
 * `view` (shared by every route) must be `summary` or absent. Values reach the handler as a map
 * (the last of repeated values wins).
 */
import { badRequest } from '../../core/errors';
import { callOf, type ShellMiddleware } from './types';

export type View = 'full' | 'summary';

/** `?view=summary` selects the compact summary; no view is the Job as CCI returns it. */
export function viewOf(params: ReadonlyMap<string, string>): View {
  const view = params.get('view');
  if (view === undefined || view === 'full') return 'full';
  if (view === 'summary') return 'summary';
  throw badRequest('invalid-query', `Unknown view "${view}"; use view=summary or leave it out`, [{ path: '/query/view', message: 'must be "summary"' }]);
}

export function queryParameters(accepted: readonly string[]): ShellMiddleware {
  const known = new Set(accepted);
  const hint = accepted.length === 1 ? `only "${accepted[0]}" is accepted` : `accepted: ${accepted.join(', ')}`;
  return {
    before: (request) => {
      const { params } = callOf(request);
      viewOf(params);
      for (const key of params.keys()) {
        if (!known.has(key)) throw badRequest('invalid-query', `Unknown query parameter "${key}"; ${hint}`);
      }
    },
  };
}
