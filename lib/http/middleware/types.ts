/**
 * What the HTTP middlewares share: the middy request they work on and the call they fill in,
 * check by check, until the route handler receives it as its event (as middy's parsers replace
 * the event with what they parsed).
 */
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger } from '../../core/log';
import type { Invocation } from '../../platform/invocation';
import type { HttpRequest } from '../../platform/http-event';
import type { HttpResponse } from '../../platform/http-response';

/** The request as the route handler receives it. */
export interface HttpCall {
  http: HttpRequest;
  inv: Invocation;
  log: Logger;
  /** Set by the job-route middleware. */
  namespace: string;
  /** Set by the job-route middleware for `/jobs/{name}` routes; '' for collection routes. */
  name: string;
  /** Query parameter values by name (last one wins), set by the query middleware. */
  params: Map<string, string>;
  /** Header names lower-cased; `content-type` as normalised by the media-type middleware. */
  headers: Record<string, string>;
  /** The raw body as text until the JSON body parser replaces it with what it parsed. */
  body: unknown;
  /** Always false: the platform adapter has decoded base64 bodies already. */
  isBase64Encoded: false;
}

export type ShellState = {
  fn: string;
  inv: Invocation;
  log: Logger;
  started: number;
  call?: HttpCall;
};

export type ShellRequest = middy.Request<unknown, HttpResponse, Error, Context, ShellState>;

export interface ShellMiddleware {
  before?: (request: ShellRequest) => void | Promise<void>;
  after?: (request: ShellRequest) => void | Promise<void>;
  onError?: (request: ShellRequest) => void | Promise<void>;
}

/** The call, once the event middleware made it. */
export function callOf(request: ShellRequest): HttpCall {
  const call = request.internal.call;
  if (!call) throw new Error('the HTTP event middleware must run first');
  return call;
}
