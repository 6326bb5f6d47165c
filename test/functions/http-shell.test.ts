/**
 * What every HTTP function shares, checked on each of them (getJob, patchJob) and each platform,
 * end to end against the emulator: refusals happen before CCI is called and in the shell's order,
 * every answer carries the invocation's request id, errors are problem+json, and no secret
 * reaches an answer or a log line.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLEAN_ENV, setEnv } from '../support/env';
import { captureLogs, coldHandler, useEmulator } from '../support/harness';
import { functionGraphContext, lambdaContext } from '../support/contexts';
import { answer, httpEvent, SEED_NS, TEST_SECRET, type HttpEventOptions, type HttpFn, type Platform } from '../support/http-events';

const emu = useEmulator();
let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  setEnv({ ...CLEAN_ENV, CCI_ENDPOINT: emu.url, CCI_TOKEN: 'local-dev-token', ALLOWED_NAMESPACES: SEED_NS, WEBHOOK_SECRET: TEST_SECRET });
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  for (const line of logs.lines) {
    expect(line).not.toContain(TEST_SECRET);
    expect(line).not.toContain('local-dev-token');
  }
});

const FUNCTIONS: Array<[HttpFn, Platform]> = [
  ['getJob', 'aws'],
  ['getJob', 'functiongraph'],
  ['patchJob', 'aws'],
  ['patchJob', 'functiongraph'],
];
/** A body each function accepts (getJob takes none). */
const okBody = (fn: HttpFn) => (fn === 'patchJob' ? '{"labels":{"shell":"checked"},"dryRun":true}' : '');

async function call(fn: HttpFn, platform: Platform, o: HttpEventOptions = {}, requestId = `req-${fn}-${platform}`) {
  const handler = await coldHandler(fn);
  const ctx = platform === 'aws' ? lambdaContext(15_000, requestId) : functionGraphContext({ requestId });
  return answer(await handler(httpEvent(platform, fn, { body: okBody(fn), ...o }), ctx));
}

describe.each(FUNCTIONS)('%s on %s', (fn, platform) => {
  it('200 with the invocation\'s request id, no caching', async () => {
    const r = await call(fn, platform);
    expect(r.statusCode).toBe(200);
    expect(r.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store', 'x-request-id': `req-${fn}-${platform}` });
  });

  it('refusals are problem+json with the request id, and CCI is never called', async () => {
    const cases: Array<[HttpEventOptions, number, string]> = [
      [{ secret: null }, 401, 'unauthorized'],
      [{ secret: 'not-the-secret' }, 401, 'unauthorized'],
      [{ method: 'DELETE' }, 405, 'method-not-allowed'],
      [{ name: 'Not_A_Name' }, 400, 'invalid-path'],
      [{ namespace: 'not-allowed-ns' }, 403, 'namespace-not-allowed'],
      [{ query: [['unknown', '1']] }, 400, 'invalid-query'],
      [{ query: [['view', 'everything']] }, 400, 'invalid-query'],
      [{ body: 'x'.repeat(1024 * 1024 + 1) }, 413, 'body-too-large'],
    ];
    for (const [o, status, code] of cases) {
      const r = await call(fn, platform, o);
      expect(r.statusCode, JSON.stringify(o).slice(0, 80)).toBe(status);
      expect(r.headers['content-type']).toBe('application/problem+json');
      expect(r.headers['x-request-id']).toBe(`req-${fn}-${platform}`);
      expect(r.json).toMatchObject({ type: `urn:volcano-job-functions:problem:${code}`, status, requestId: `req-${fn}-${platform}` });
      expect(r.body).not.toContain(TEST_SECRET);
    }
    expect(emu.stats().cci.total).toBe(0);
  });

  it('WEBHOOK_AUTH=none lets unsigned requests in; neither it nor a secret refuses everything', async () => {
    setEnv({ WEBHOOK_SECRET: undefined, WEBHOOK_AUTH: 'none' });
    expect((await call(fn, platform, { secret: null })).statusCode).toBe(200);
    setEnv({ WEBHOOK_AUTH: undefined });
    const r = await call(fn, platform);
    expect(r.statusCode).toBe(401);
    expect(r.json.type).toMatch(/webhook-auth-not-configured$/);
  });

  it('a non-HTTP event is a 400 problem', async () => {
    const handler = await coldHandler(fn);
    const r = answer(await handler({ Records: [{ messageId: 'm', body: '{}' }] }, platform === 'aws' ? lambdaContext() : functionGraphContext()));
    expect(r.statusCode).toBe(400);
    expect(r.json.type).toMatch(/not-http$/);
  });

  it('a CCI token CCI refuses is a 502 that shows no token', async () => {
    setEnv({ CCI_TOKEN: 'refused-token-abc' });
    const r = await call(fn, platform);
    expect(r.statusCode).toBe(502);
    expect(r.body).not.toContain('refused-token-abc');
    for (const line of logs.lines) expect(line).not.toContain('refused-token-abc');
  });

  it('no CCI_ENDPOINT: a 500 configuration problem, nothing internal in it', async () => {
    setEnv({ CCI_ENDPOINT: undefined });
    const r = await call(fn, platform);
    expect(r.statusCode).toBe(500);
    expect(r.json).toMatchObject({ type: 'urn:volcano-job-functions:problem:config', detail: 'CCI_ENDPOINT is not set' });
  });
});
