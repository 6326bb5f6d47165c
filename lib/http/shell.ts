/**
 * The HTTP function shell, as middy middlewares around a route handler:
 * invocation context → event normalisation (413) → webhook signature on the raw body (401) →
 * path parameters (400) → namespace allow-list (403) → handler; every error becomes problem+json.
 * No middy body parser or error handler is used: the first replaces the raw body we must sign
 * and answers bad JSON with 415, the second turns unknown errors into empty 500s.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AppError, toAppError } from '../core/errors';
import { splitList } from '../core/config';
import { invocationFrom, type Invocation } from '../platform/invocation';
import { assertValidJobRef } from '../job/ref';
import { createLogger, type Logger } from '../core/log';
import { assertNamespaceAllowed } from '../job/namespaces';
import { signedPath, verifyWebhookSignature } from './webhook-signature';
import { parseHttpEvent, type HttpRequest } from '../platform/http-event';
import { jsonResponse, problemResponse, type HttpResponse } from './problem';

export interface HttpCall {
  http: HttpRequest;
  inv: Invocation;
  log: Logger;
  namespace: string;
  name: string;
  /** Query parameter values by name (last one wins). */
  params: Map<string, string>;
}

export interface HttpResult {
  status: number;
  body: unknown;
}

type State = {
  inv: Invocation;
  log: Logger;
  started: number;
  call?: HttpCall;
};

const PATH_PARAMETERS = { namespace: '/pathParameters/namespace', name: '/pathParameters/name' };

type Request = middy.Request<unknown, HttpResponse, Error, Context, State>;

function verifySignature(http: HttpRequest, inv: Invocation, namespace: string, name: string): void {
  const secrets = splitList(inv.env('WEBHOOK_SECRET'));
  if (secrets.length === 0) {
    if (inv.env('WEBHOOK_AUTH') === 'none') return;
    throw new AppError(401, 'webhook-auth-not-configured', 'Neither WEBHOOK_SECRET nor WEBHOOK_AUTH=none is set: requests are refused');
  }
  verifyWebhookSignature({
    secrets,
    timestamp: http.headers['x-signature-timestamp'],
    signature: http.headers['x-signature'],
    method: http.method,
    path: signedPath(`/namespaces/${namespace}/jobs/${name}`, http.query),
    body: http.body,
  });
}

export function httpFunction(fn: string, method: 'GET' | 'PATCH', route: (call: HttpCall) => Promise<HttpResult>) {
  const prepare = {
    before: (request: Request): void => {
      const inv = invocationFrom(request.context);
      request.internal = { inv, log: createLogger({ fn, requestId: inv.requestId }), started: Date.now() };
      const http = parseHttpEvent(request.event);
      const { namespace, name } = http.pathParameters;
      // Authenticate before saying anything about the request's content.
      verifySignature(http, inv, namespace ?? '', name ?? '');
      if (http.method !== method) throw new AppError(405, 'method-not-allowed', `This function answers ${method} only`);
      assertValidJobRef(namespace, name, PATH_PARAMETERS, 'invalid-path', 'Path parameters must be valid Kubernetes names (DNS-1123)');
      assertNamespaceAllowed(inv.env('ALLOWED_NAMESPACES'), namespace!);
      const call: HttpCall = { http, inv, log: request.internal.log, namespace: namespace!, name: name!, params: new Map(http.query) };
      request.internal.call = call;
      request.event = call;
    },
  };

  const answer = {
    after: (request: Request): void => {
      const { log, started, call } = request.internal;
      log.info('request done', {
        status: request.response?.statusCode,
        method: call?.http.method,
        namespace: call?.namespace,
        job: call?.name,
        ms: Date.now() - started,
      });
    },
    onError: (request: Request): void => {
      const state = request.internal ?? { inv: invocationFrom(request.context), log: createLogger({ fn }), started: Date.now() };
      const err = toAppError(request.error);
      const fields = { status: err.status, code: err.code, detail: err.message, ms: Date.now() - state.started, error: err.status >= 500 ? request.error : undefined };
      if (err.status >= 500) state.log.error('request failed', fields);
      else state.log.info('request refused', fields);
      request.response = problemResponse(err, state.inv.requestId);
    },
  };

  return middy<unknown, HttpResponse, Error, Context, State>({ timeoutEarlyInMillis: 0 })
    .use(prepare)
    .use(answer)
    .handler(async (event: unknown) => {
      // `prepare` replaced the platform event with the validated call, as middy's parsers do.
      const call = event as HttpCall;
      const result = await route(call);
      return jsonResponse(result.status, result.body, call.inv.requestId);
    });
}
