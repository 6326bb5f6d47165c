/** The last word: a log line per request, problem+json for every error, nothing internal in it. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../lib/core/errors';
import { answer } from '../../../../lib/http/middleware/answer';
import { httpResponse } from '../../../../lib/platform/http-response';
import { captureLogs } from '../../../support/harness';
import { lambdaContext } from '../../../support/contexts';
import { httpEvent } from '../../../../lib/http/middleware/event';
import { callRequest, rawRequest, runBefore } from '../../../support/middy';

describe('answer', () => {
  it('after: logs status, method, job and time, as info', async () => {
    const req = callRequest({ method: 'GET', namespace: 'ns', name: 'j' });
    req.response = httpResponse(200, {}, '{}');
    await answer().after!(req);
    expect(req.internal.log.lines).toEqual([{ level: 'info', msg: 'request done', fields: { status: 200, method: 'GET', namespace: 'ns', job: 'j', ms: expect.any(Number) } }]);
  });

  it('onError: an AppError becomes its problem+json, a refusal is logged as info', async () => {
    const req = callRequest({ requestId: 'req-9' });
    req.error = new AppError(404, 'job-not-found', 'No such job "ns/j"');
    await answer().onError!(req);
    expect(req.response).toMatchObject({ statusCode: 404, headers: { 'content-type': 'application/problem+json', 'x-request-id': 'req-9' } });
    expect(JSON.parse(req.response!.body)).toEqual({ type: 'urn:volcano-job-functions:problem:job-not-found', title: 'Not Found', status: 404, detail: 'No such job "ns/j"', requestId: 'req-9' });
    expect(req.internal.log.lines[0]).toMatchObject({ level: 'info', msg: 'request refused', fields: { status: 404, code: 'job-not-found', error: undefined } });
  });

  it('onError: anything else is a 500 without its message; logged as an error with the cause', async () => {
    const req = callRequest();
    req.error = new TypeError('Cannot read properties of undefined (reading "token") at /var/task/index.js:1');
    await answer().onError!(req);
    expect(req.response!.statusCode).toBe(500);
    expect(req.response!.body).not.toMatch(/Cannot read|var\/task|token/);
    expect(req.internal.log.lines[0]).toMatchObject({ level: 'error', msg: 'request failed', fields: { status: 500, code: 'internal-error', error: req.error } });
  });

  it('onError after the event middleware refused the event: its state answers, with the context\'s request id', async () => {
    const logs = captureLogs();
    try {
      const req = rawRequest({ Records: [] }, lambdaContext(5_000, 'req-early'));
      req.error = (await runBefore(httpEvent('getJob'), req)) as Error;
      expect(req.error).toMatchObject({ status: 400, code: 'not-http' });
      await answer().onError!(req);
      expect(req.response).toMatchObject({ statusCode: 400, headers: { 'x-request-id': 'req-early' } });
      expect(logs.lines.join('')).toContain('request refused');
    } finally {
      logs.restore();
    }
  });
});
