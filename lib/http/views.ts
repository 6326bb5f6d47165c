import { badRequest } from '../core/errors';

/** `?view=summary` selects the compact summary; no view is the Job as CCI returns it. */
export function viewOf(params: Map<string, string>): 'full' | 'summary' {
  const view = params.get('view');
  if (view === undefined || view === 'full') return 'full';
  if (view === 'summary') return 'summary';
  throw badRequest('invalid-query', `Unknown view "${view}"; use view=summary or leave it out`, [{ path: '/query/view', message: 'must be "summary"' }]);
}
