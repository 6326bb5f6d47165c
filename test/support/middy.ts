/**
 * Minimal middy request objects for testing one HTTP middleware alone: `rawRequest` is what middy
 * hands the first middleware (an event and a context), `callRequest` is a request after the event
 * middleware, with the call and invocation state every later check reads, built directly (no
 * platform event involved), so a test names exactly the method, path, query, headers, body and
 * configuration it checks.
 */
import { Deadline } from '../../lib/core/deadline';
import type { HttpCall, ShellMiddleware, ShellRequest } from '../../lib/http/middleware/types';
import type { Invocation } from '../../lib/platform/invocation';
import { lambdaContext } from './contexts';
import { memoryLogger } from './log';

/** What middy gives the first middleware. */
export function rawRequest(event: unknown, context: unknown = lambdaContext()): ShellRequest {
  return { event, context, response: undefined, error: undefined, internal: {} } as unknown as ShellRequest;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  query?: Array<[string, string]>;
  body?: string | Buffer;
  env?: Record<string, string>;
  requestId?: string;
  /** Fields of the call as earlier middlewares would have set them. */
  namespace?: string;
  name?: string;
}

export function invocation(env: Record<string, string> = {}, requestId = 'req-test'): Invocation {
  return { requestId, deadline: Deadline.after(10_000), env: (k) => env[k] };
}

/** A request as the event middleware leaves it. */
export function callRequest(o: CallOptions = {}): ShellRequest & { internal: { call: HttpCall; log: ReturnType<typeof memoryLogger> } } {
  const inv = invocation(o.env, o.requestId);
  const log = memoryLogger();
  const headers = Object.fromEntries(Object.entries(o.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const query = o.query ?? [];
  const body = Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body ?? '');
  const call: HttpCall = {
    http: { method: o.method ?? 'GET', headers, pathParameters: o.pathParameters ?? {}, query, body },
    inv,
    log,
    namespace: o.namespace ?? '',
    name: o.name ?? '',
    params: new Map(query),
    headers: { ...headers },
    body,
    isBase64Encoded: false,
  };
  const request = rawRequest(undefined);
  request.internal = { fn: 'test', inv, log, started: Date.now(), call };
  return request as ShellRequest & { internal: { call: HttpCall; log: ReturnType<typeof memoryLogger> } };
}

/** Runs a middleware's `before` and returns what it threw (undefined when it passed). */
export async function runBefore(m: ShellMiddleware, request: ShellRequest): Promise<unknown> {
  try {
    await m.before!(request);
    return undefined;
  } catch (err) {
    return err;
  }
}
