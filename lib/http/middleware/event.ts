/**
 * First middleware: the invocation (deadline, configuration, request id, logger) and the HTTP
 * event normalised into one request shape (400 for a non-HTTP event, 413 for an oversized body).
 * Everything after it reads the call it starts, never the platform event.
 */
import { createLogger } from '../../core/log';
import { parseHttpEvent } from '../../platform/http-event';
import { invocationFrom } from '../../platform/invocation';
import type { ShellMiddleware } from './types';

export function httpEvent(fn: string): ShellMiddleware {
  return {
    before: (request) => {
      const inv = invocationFrom(request.context);
      request.internal = { fn, inv, log: createLogger({ fn, requestId: inv.requestId }), started: Date.now() };
      const http = parseHttpEvent(request.event);
      request.internal.call = {
        http,
        inv,
        log: request.internal.log,
        namespace: '',
        name: '',
        params: new Map(http.query),
        headers: { ...http.headers },
        body: http.body,
        isBase64Encoded: false,
      };
    },
  };
}
