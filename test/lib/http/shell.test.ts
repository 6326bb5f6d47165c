/**
 * The HTTP shell with a stub route handler: the checks run in the documented order (each test
 * breaks two checks at once and sees the earlier one answer), the handler gets the checked call,
 * and every outcome is JSON or problem+json, on both platforms' events.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../lib/core/errors';
import { jsonBody } from '../../../lib/http/middleware/json-body';
import { mediaTypes } from '../../../lib/http/middleware/media-type';
import { httpFunction, type HttpCall } from '../../../lib/http/shell';
import { captureLogs, contextFor } from '../../support/harness';
import { CLEAN_ENV, setEnv } from '../../support/env';
import { answer, httpEvent, SEED_NS, TEST_SECRET, type HttpEventOptions, type Platform } from '../../support/http-events';

const calls: HttpCall[] = [];
const getShell = httpFunction({ fn: 'getJob', method: 'GET', route: 'job', query: ['view'] }, async (call) => {
  calls.push(call);
  if (call.name === 'throws-app-error') throw new AppError(409, 'conflict', 'changed meanwhile');
  if (call.name === 'throws-type-error') throw new TypeError('x is undefined at secret place');
  return { status: 200, body: { ns: call.namespace, name: call.name, view: call.params.get('view') ?? null } };
});
const patchShell = httpFunction(
  { fn: 'patchJob', method: 'PATCH', route: 'job', query: ['view'], body: [mediaTypes(['application/json'], 'application/json'), jsonBody()] },
  async (call) => {
    calls.push(call);
    return { status: 200, body: { got: call.body } };
  },
);

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  for (const line of logs.lines) expect(line).not.toContain(TEST_SECRET);
});

function env(extra: Record<string, string | undefined> = {}) {
  setEnv({ ...CLEAN_ENV, WEBHOOK_SECRET: TEST_SECRET, ALLOWED_NAMESPACES: SEED_NS, ...extra });
}
async function get(platform: Platform, o: HttpEventOptions = {}) {
  return answer(await getShell(httpEvent(platform, 'getJob', o), contextFor(platform) as never));
}
async function patch(platform: Platform, o: HttpEventOptions = {}) {
  return answer(await patchShell(httpEvent(platform, 'patchJob', o), contextFor(platform) as never));
}

describe.each<Platform>(['aws', 'functiongraph'])('httpFunction on %s', (platform) => {
  it('a request that passes every check reaches the handler as a call; its result is JSON with the request id', async () => {
    env();
    calls.length = 0;
    const r = await get(platform, { query: [['view', 'summary']] });
    expect(r.statusCode).toBe(200);
    expect(r.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store', 'x-request-id': expect.any(String) });
    expect(r.json).toEqual({ ns: SEED_NS, name: 'openmpi-hello-3-com', view: 'summary' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.inv.requestId).toBe(r.headers['x-request-id']);
  });

  it('order: signature (401) before method (405) before path (400) before namespace (403) before query (400)', async () => {
    env({ ALLOWED_NAMESPACES: 'other' });
    calls.length = 0;
    expect((await get(platform, { secret: 'wrong', method: 'POST' })).statusCode).toBe(401);
    expect((await get(platform, { method: 'POST', name: 'Bad_Name' })).statusCode).toBe(405);
    expect((await get(platform, { name: 'Bad_Name', query: [['nope', '1']] })).json).toMatchObject({ status: 400, type: expect.stringMatching(/invalid-path$/) });
    expect((await get(platform, { query: [['nope', '1']] })).statusCode).toBe(403);
    env();
    expect((await get(platform, { query: [['nope', '1']] })).json).toMatchObject({ status: 400, type: expect.stringMatching(/invalid-query$/) });
    expect(calls).toHaveLength(0);
  });

  it('the body checks run last: media type (415) before JSON (400); only routes with a body have them', async () => {
    env();
    calls.length = 0;
    expect((await patch(platform, { contentType: 'text/plain', body: '{' })).statusCode).toBe(415);
    expect((await patch(platform, { body: '{' })).statusCode).toBe(400);
    expect((await patch(platform, { body: '{"a":[1]}' })).json).toEqual({ got: { a: [1] } });
    // Without body checks, a GET with a body of any type reaches the handler.
    expect((await get(platform, { contentType: 'text/plain', body: 'whatever' })).statusCode).toBe(200);
    expect(calls).toHaveLength(2);
  });

  it('handler errors: an AppError is its problem, anything else a 500 that says nothing internal', async () => {
    env();
    const conflict = await get(platform, { name: 'throws-app-error' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.headers['content-type']).toBe('application/problem+json');
    expect(conflict.json).toMatchObject({ status: 409, detail: 'changed meanwhile', requestId: conflict.headers['x-request-id'] });
    const crash = await get(platform, { name: 'throws-type-error' });
    expect(crash.statusCode).toBe(500);
    expect(crash.headers['content-type']).toBe('application/problem+json');
    expect(crash.body).not.toMatch(/undefined|secret place/);
  });

  it('a non-HTTP event is a 400 problem, not a crash', async () => {
    env();
    const r = answer(await getShell({ Records: [] }, contextFor(platform) as never));
    expect(r.statusCode).toBe(400);
    expect(r.json).toMatchObject({ type: 'urn:volcano-job-functions:problem:not-http' });
  });
});
