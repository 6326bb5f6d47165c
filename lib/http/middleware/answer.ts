/**
 * Last word on every request: a log line when it is done, and on any error a problem+json answer.
 * 5xx are logged as
 * errors with their cause; refusals (4xx) as info. No stack or secret reaches the answer.
 */
import { toAppError } from '../../core/errors';
import { problemResponse } from '../problem';
import type { ShellMiddleware } from './types';

export function answer(): ShellMiddleware {
  return {
    after: (request) => {
      const { log, started, call } = request.internal;
      log.info('request done', {
        status: request.response?.statusCode,
        method: call?.http.method,
        namespace: call?.namespace || undefined,
        job: call?.name || undefined,
        ms: Date.now() - started,
      });
    },
    onError: (request) => {
      // The event middleware sets the state before anything can throw.
      const state = request.internal;
      const err = toAppError(request.error);
      const fields = { status: err.status, code: err.code, detail: err.message, ms: Date.now() - state.started, error: err.status >= 500 ? request.error : undefined };
      if (err.status >= 500) state.log.error('request failed', fields);
      else state.log.info('request refused', fields);
      request.response = problemResponse(err, state.inv.requestId);
    },
  };
}
