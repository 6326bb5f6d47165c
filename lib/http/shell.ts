/**
 * The HTTP function shell: middy with one middleware per check, in this order —
 * event (400 not HTTP, 413) → signature on the raw body (401) → method (405) → path parameters
 * (400) → namespace allow-list (403) → query parameters (400) → [media type (415) → JSON body
 * (400)] → route handler; every error becomes problem+json (answer). No middy error handler is
 * used: it turns unknown errors into empty 500s.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { HttpResponse } from '../platform/http-response';
import { answer } from './middleware/answer';
import { httpEvent } from './middleware/event';
import { jobRoute } from './middleware/job-route';
import { allowMethod } from './middleware/method';
import { namespaceAllowList } from './middleware/namespace-allow-list';
import { queryParameters } from './middleware/query';
import { webhookSignature } from './middleware/signature';
import type { HttpCall, ShellMiddleware, ShellState } from './middleware/types';
import { jsonResponse } from './problem';

export type { HttpCall } from './middleware/types';

export interface HttpResult {
  status: number;
  body: unknown;
}

export interface RouteSpec {
  fn: string;
  method: 'GET' | 'PATCH';
  /** `/jobs/{name}` routes, or the namespace's collection `/jobs`. */
  route: 'job' | 'collection';
  query: readonly string[];
  /**
   * Routes with a body: their checks (media type, then the JSON body parser), passed in by the
   * function so that functions without a body do not bundle the parser.
   */
  body?: readonly ShellMiddleware[];
}

const routePath = (route: RouteSpec['route']) => (p: Record<string, string>) =>
  route === 'job' ? `/namespaces/${p.namespace ?? ''}/jobs/${p.name ?? ''}` : `/namespaces/${p.namespace ?? ''}/jobs`;

export function httpFunction(spec: RouteSpec, handle: (call: HttpCall) => Promise<HttpResult>) {
  const checks: ShellMiddleware[] = [
    httpEvent(spec.fn),
    webhookSignature(routePath(spec.route)),
    allowMethod(spec.method),
    jobRoute(spec.route),
    namespaceAllowList(),
    queryParameters(spec.query),
    ...(spec.body ?? []),
  ];
  const handler = middy<unknown, HttpResponse, Error, Context, ShellState>({ timeoutEarlyInMillis: 0 });
  // `answer` first: its `after` and `onError` run last, around whatever the checks do.
  handler.use(answer());
  for (const m of checks) handler.use(m);
  // The handler's event is the checked call, as middy's parsers hand over what they parsed.
  handler.use({ before: (request) => void (request.event = request.internal.call) });
  return handler.handler(async (event: unknown) => {
    const call = event as HttpCall;
    const result = await handle(call);
    return jsonResponse(result.status, result.body, call.inv.requestId);
  });
}
