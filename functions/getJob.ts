/** GET /namespaces/{namespace}/jobs/{name}[?view=summary] → the Volcano Job, or its summary. */
import { badRequest } from '../lib/core/errors';
import { cciClientFor } from '../lib/cci/setup';
import { httpFunction } from '../lib/http/shell';
import { summarizeJob } from '../lib/job/model';
import { viewOf } from '../lib/http/views';

export const handler = httpFunction('getJob', 'GET', async (call) => {
  const view = viewOf(call.params);
  for (const key of call.params.keys()) {
    if (key !== 'view') throw badRequest('invalid-query', `Unknown query parameter "${key}"; only "view" is accepted`);
  }
  const job = await cciClientFor(call.inv).getJob(call.namespace, call.name, call.inv.deadline);
  return { status: 200, body: view === 'summary' ? summarizeJob(job) : job };
});
