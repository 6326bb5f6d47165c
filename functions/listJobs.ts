/**
 * GET /namespaces/{namespace}/jobs[?labelSelector=&limit=&continue=&view=summary] → one page of the
 * namespace's Volcano Jobs: `{items, continue?, remainingItemCount?}`. One CCI list call per
 * invocation (at most 500 jobs), so memory stays flat however large the namespace; the caller pages
 * with the `continue` token. The query is checked before CCI is called (400 naming the parameter).
 */
import { cciClientFor } from '../lib/cci/setup';
import { AppError, badRequest } from '../lib/core/errors';
import { viewOf } from '../lib/http/middleware/query';
import { httpFunction } from '../lib/http/shell';
import { parseListQuery } from '../lib/job/list-query';
import { summarizeJob } from '../lib/job/model';

export const handler = httpFunction(
  { fn: 'listJobs', method: 'GET', route: 'collection', query: ['view', 'labelSelector', 'limit', 'continue'] },
  async (call) => {
    const query = parseListQuery(call.params);
    const summary = viewOf(call.params) === 'summary';
    const list = await cciClientFor(call.inv)
      .listJobs(call.namespace, query, call.inv.deadline)
      .catch((err: unknown) => {
        if (err instanceof AppError && err.status === 410 && query.continue !== undefined) {
          throw new AppError(410, 'continue-expired', 'The continue token has expired (CCI answered 410 Expired): start the listing over without "continue"', {
            retryable: false,
          });
        }
        // A token that passed our alphabet check but that CCI cannot decode is the caller's input (400), not a refused change.
        if (err instanceof AppError && err.status === 422 && query.continue !== undefined && /continue/i.test(err.message)) {
          throw badRequest('invalid-query', `CCI refused the continue token (${err.message}); pass the "continue" value of a previous answer unchanged, or start over without it`, [
            { path: '/query/continue', message: 'is not a continue token CCI issued' },
          ]);
        }
        throw err;
      });
    const meta = list.metadata ?? {};
    const body: Record<string, unknown> = { items: summary ? list.items.map(summarizeJob) : list.items };
    if (typeof meta.continue === 'string' && meta.continue !== '') body.continue = meta.continue;
    if (typeof meta.remainingItemCount === 'number') body.remainingItemCount = meta.remainingItemCount;
    return { status: 200, body };
  },
);
