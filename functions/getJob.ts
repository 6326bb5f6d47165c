/** GET /namespaces/{namespace}/jobs/{name}[?view=summary] → the Volcano Job, or its summary. */
import { cciClientFor } from '../lib/cci/setup';
import { httpFunction } from '../lib/http/shell';
import { viewOf } from '../lib/http/middleware/query';
import { summarizeJob } from '../lib/job/model';

export const handler = httpFunction({ fn: 'getJob', method: 'GET', route: 'job', query: ['view'] }, async (call) => {
  const job = await cciClientFor(call.inv).getJob(call.namespace, call.name, call.inv.deadline);
  return { status: 200, body: viewOf(call.params) === 'summary' ? summarizeJob(job) : job };
});
