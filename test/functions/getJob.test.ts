/**
 * getJob end to end: the handler invoked with AWS and FunctionGraph events against the emulator
 * over real HTTP. Covers every row of the contract's status table for GET, the token economy
 * (one IAM call for many requests, recovery after expiry and revocation), and the credential
 * kinds a FunctionGraph context brings. Checks every HTTP function shares are in http-shell.test.ts.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator';
import { CLEAN_ENV, setEnv } from '../support/env';
import { callHttp, captureLogs, coldHandler, contextFor } from '../support/harness';
import { answer, httpEvent, SEED_NS, TEST_SECRET, type Platform } from '../support/http-events';

let emu: Emulator;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emu.close();
});

function iamEnv(extra: Record<string, string> = {}) {
  setEnv({
    ...CLEAN_ENV,
    CCI_ENDPOINT: emu.url,
    IAM_ENDPOINT: emu.url,
    IAM_DOMAIN: 'demo-domain',
    IAM_USER: 'demo-user',
    IAM_PASSWORD: 'demo-password',
    IAM_PROJECT: 'cn-north-4',
    ALLOWED_NAMESPACES: `${SEED_NS},other-ns`,
    WEBHOOK_SECRET: TEST_SECRET,
    ...extra,
  });
}

beforeEach(() => {
  emu.clearFaults();
  emu.resetStats();
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  // No token, password or signing secret ever reaches a log line.
  for (const line of logs.lines) {
    expect(line).not.toContain('demo-password');
    expect(line).not.toContain(TEST_SECRET);
    expect(line).not.toMatch(/MII[A-Za-z0-9+/=]{64,}/);
  }
});

const job2 = 'openmpi-hello-2-com';

describe.each<Platform>(['aws', 'functiongraph'])('getJob on %s', (platform) => {
  it('200: the Job as CCI returns it, and its summary', async () => {
    iamEnv();
    const get = await coldHandler('getJob');
    const full = await callHttp(get, platform, 'getJob');
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toBe('application/json');
    expect(full.json).toMatchObject({ kind: 'Job', metadata: { name: 'openmpi-hello-3-com', namespace: SEED_NS } });
    expect(full.json.spec.tasks).toHaveLength(2);

    const summary = await callHttp(get, platform, 'getJob', { query: [['view', 'summary']] });
    expect(summary.statusCode).toBe(200);
    expect(summary.json).toEqual({
      namespace: SEED_NS,
      name: 'openmpi-hello-3-com',
      uid: '1a32a8c4-97db-11e9-9d09-dc9914fb58e0',
      resourceVersion: full.json.metadata.resourceVersion,
      phase: 'Inqueue',
      minAvailable: 1,
      pending: 3,
      running: 0,
      succeeded: 0,
      failed: 0,
      tasks: [
        { name: 'mpimaster', replicas: 1 },
        { name: 'mpiworker', replicas: 2 },
      ],
      labels: {},
      queue: 'default',
    });
  });

  it('400: invalid path parameters and unknown views, without calling CCI', async () => {
    iamEnv();
    const get = await coldHandler('getJob');
    const badName = await callHttp(get, platform, 'getJob', { name: 'Bad_Name' });
    expect(badName.statusCode).toBe(400);
    expect(badName.headers['content-type']).toBe('application/problem+json');
    expect(badName.json).toMatchObject({ status: 400, title: 'Bad Request', errors: [{ path: '/pathParameters/name' }] });
    expect((await callHttp(get, platform, 'getJob', { namespace: 'a'.repeat(64) })).statusCode).toBe(400);
    expect((await callHttp(get, platform, 'getJob', { query: [['view', 'everything']] })).statusCode).toBe(400);
    expect(emu.stats().cci.total).toBe(0);
  });

  it('401: missing, wrong, stale signatures; unconfigured auth refuses; WEBHOOK_AUTH=none allows', async () => {
    iamEnv();
    const get = await coldHandler('getJob');
    expect((await callHttp(get, platform, 'getJob', { secret: null })).statusCode).toBe(401);
    expect((await callHttp(get, platform, 'getJob', { secret: 'wrong' })).statusCode).toBe(401);
    const stale = await callHttp(get, platform, 'getJob', { now: new Date(Date.now() - 301_000) });
    expect(stale.statusCode).toBe(401);
    expect(stale.json.detail).toMatch(/away from server time/);
    // The signature covers the query: a query added after signing breaks it.
    const tampered = httpEvent(platform, 'getJob');
    if (platform === 'aws') tampered.rawQueryString = 'view=summary';
    tampered.queryStringParameters = { view: 'summary' };
    expect(answer(await get(tampered, contextFor(platform))).statusCode).toBe(401);
    expect(emu.stats().cci.total).toBe(0);

    setEnv({ WEBHOOK_SECRET: 'old-secret,' + TEST_SECRET });
    expect((await callHttp(get, platform, 'getJob')).statusCode).toBe(200);
    setEnv({ WEBHOOK_SECRET: undefined });
    expect((await callHttp(get, platform, 'getJob')).statusCode).toBe(401);
    setEnv({ WEBHOOK_AUTH: 'none' });
    expect((await callHttp(get, platform, 'getJob', { secret: null })).statusCode).toBe(200);
  });

  it('403: namespace outside ALLOWED_NAMESPACES, and everything when it is unset', async () => {
    iamEnv({ ALLOWED_NAMESPACES: 'other-ns' });
    const get = await coldHandler('getJob');
    const res = await callHttp(get, platform, 'getJob');
    expect(res.statusCode).toBe(403);
    expect(res.json.detail).toContain(SEED_NS);
    setEnv({ ALLOWED_NAMESPACES: undefined });
    expect((await callHttp(get, platform, 'getJob')).statusCode).toBe(403);
    setEnv({ ALLOWED_NAMESPACES: '*' });
    expect((await callHttp(get, platform, 'getJob')).statusCode).toBe(200);
  });

  it('404: no such job', async () => {
    iamEnv();
    const res = await callHttp(await coldHandler('getJob'), platform, 'getJob', { name: 'no-such-job' });
    expect(res.statusCode).toBe(404);
    expect(res.json.detail).toContain('no-such-job');
  });

  it('413: a body over 1 MiB', async () => {
    iamEnv();
    const res = await callHttp(await coldHandler('getJob'), platform, 'getJob', { body: 'x'.repeat(1024 * 1024 + 1) });
    expect(res.statusCode).toBe(413);
  });

  it('502: IAM refuses the credentials (and the password appears nowhere)', async () => {
    iamEnv({ IAM_PASSWORD: 'wrong-password-123' });
    const res = await callHttp(await coldHandler('getJob'), platform, 'getJob');
    expect(res.statusCode).toBe(502);
    expect(res.json.detail).toMatch(/IAM refused/);
    expect(res.body).not.toContain('wrong-password-123');
    for (const l of logs.lines) expect(l).not.toContain('wrong-password-123');
  });

  it('502: CCI answers with something that is not a Job', async () => {
    iamEnv();
    emu.addFault({ action: { type: 'garbage' } });
    const res = await callHttp(await coldHandler('getJob'), platform, 'getJob');
    expect(res.statusCode).toBe(502);
    expect(res.json.detail).toMatch(/not a Job/);
  });

  it('502: CCI refuses a static token; the token is not echoed', async () => {
    iamEnv({ CCI_TOKEN: 'not-a-valid-token-xyz' });
    const res = await callHttp(await coldHandler('getJob'), platform, 'getJob');
    expect(res.statusCode).toBe(502);
    expect(res.body).not.toContain('not-a-valid-token-xyz');
  });

  it('503: CCI keeps answering 503 through every retry, with Retry-After', async () => {
    iamEnv();
    emu.addFault({ times: Infinity, action: { type: 'status', status: 503 } });
    const res = await callHttp(await coldHandler('getJob'), platform, 'getJob');
    expect(res.statusCode).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(emu.stats().cci.get).toBe(4);
  });

  it('survives a 503 burst and a text 429 with Retry-After (waiting as told)', async () => {
    iamEnv();
    const get = await coldHandler('getJob');
    emu.addFault({ times: 2, action: { type: 'status', status: 503, shape: 'gateway' } });
    expect((await callHttp(get, platform, 'getJob')).statusCode).toBe(200);
    emu.addFault({ action: { type: 'status', status: 429, shape: 'text', retryAfter: 1 } });
    const started = Date.now();
    expect((await callHttp(get, platform, 'getJob')).statusCode).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    emu.addFault({ action: { type: 'status', status: 429, retryAfterSeconds: 1 } });
    expect((await callHttp(get, platform, 'getJob')).statusCode).toBe(200);
  });

  it('survives connection resets', async () => {
    iamEnv();
    emu.addFault({ times: 2, action: { type: 'reset' } });
    expect((await callHttp(await coldHandler('getJob'), platform, 'getJob')).statusCode).toBe(200);
  });

  it('504: a hung upstream is answered before the deadline', async () => {
    iamEnv();
    const get = await coldHandler('getJob');
    expect((await callHttp(get, platform, 'getJob')).statusCode).toBe(200); // token cached
    emu.addFault({ times: Infinity, action: { type: 'hang' } });
    const started = Date.now();
    const res = await callHttp(get, platform, 'getJob', {}, 2_000);
    const took = Date.now() - started;
    expect(res.statusCode).toBe(504);
    expect(took).toBeLessThan(2_000);
  });
});

describe('token economy and recovery', () => {
  it('50 concurrent GETs from a cold module make exactly one IAM call', async () => {
    iamEnv();
    const get = await coldHandler('getJob');
    const results = await Promise.all(Array.from({ length: 50 }, () => callHttp(get, 'aws', 'getJob')));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect(emu.stats().iamTokenRequests).toBe(1);
    expect(emu.stats().cci.get).toBe(50);
  });

  it.each(['expireTokens', 'revokeTokens'] as const)('recovers after %s: one fresh token, one retried call', async (how) => {
    iamEnv();
    const get = await coldHandler('getJob');
    expect((await callHttp(get, 'aws', 'getJob')).statusCode).toBe(200);
    emu[how]();
    const results = await Promise.all(Array.from({ length: 5 }, () => callHttp(get, 'aws', 'getJob')));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(emu.stats().iamTokenRequests).toBe(2);
  });

  it('a FunctionGraph agency token needs no IAM call', async () => {
    setEnv({ ...CLEAN_ENV, CCI_ENDPOINT: emu.url, ALLOWED_NAMESPACES: '*', WEBHOOK_SECRET: TEST_SECRET });
    const get = await coldHandler('getJob');
    const res = await callHttp(get, 'functiongraph', 'getJob', {}, 15_000, { token: emu.mintToken() });
    expect(res.statusCode).toBe(200);
    expect(emu.stats().iamTokenRequests).toBe(0);
  });

  it('AK/SK signing from the environment is accepted by CCI', async () => {
    setEnv({ ...CLEAN_ENV, CCI_ENDPOINT: emu.url, CCI_ACCESS_KEY: 'LOCALAK', CCI_SECRET_KEY: 'localsecretkey', ALLOWED_NAMESPACES: '*', WEBHOOK_SECRET: TEST_SECRET });
    const get = await coldHandler('getJob');
    expect((await callHttp(get, 'aws', 'getJob')).statusCode).toBe(200);
    setEnv({ CCI_SECRET_KEY: 'wrong-secret-zz9' });
    const refused = await callHttp(await coldHandler('getJob'), 'aws', 'getJob');
    expect(refused.statusCode).toBe(502);
    expect(refused.body).not.toContain('wrong-secret-zz9');
    expect(emu.stats().iamTokenRequests).toBe(0);
  });
});

describe('FunctionGraph credentials', () => {
  // An emulator of its own: it also knows temporary keys with a security token.
  let fgEmu: Emulator;
  beforeAll(async () => {
    fgEmu = await startEmulator({
      port: 0,
      akSk: [
        { accessKey: 'LOCALAK', secretKey: 'localsecretkey' },
        { accessKey: 'TEMPAK', secretKey: 'tempsecret', securityToken: 'temp-security-token' },
      ],
    });
  });
  afterAll(async () => {
    await fgEmu.close();
  });
  beforeEach(() => {
    fgEmu.resetStats();
    setEnv({ ...CLEAN_ENV });
  });

  const userData = () => ({ CCI_ENDPOINT: fgEmu.url, ALLOWED_NAMESPACES: '*', WEBHOOK_SECRET: TEST_SECRET });
  const lastAuth = () => fgEmu.requests().filter((r) => r.service === 'cci').at(-1)?.auth;

  it('temporary keys from the context sign requests (with the security token) and win over the agency token', async () => {
    const get = await coldHandler('getJob');
    const res = await callHttp(get, 'functiongraph', 'getJob', {}, 15_000, {
      userData: userData(),
      securityAccessKey: 'TEMPAK',
      securitySecretKey: 'tempsecret',
      securityToken: 'temp-security-token',
      token: fgEmu.mintToken(),
    });
    expect(res.statusCode).toBe(200);
    expect(lastAuth()).toBe('aksk');
    expect(fgEmu.stats().iamTokenRequests).toBe(0);
  });

  it('a wrong security token is refused by CCI: 502, nothing leaked', async () => {
    const get = await coldHandler('getJob');
    const res = await callHttp(get, 'functiongraph', 'getJob', {}, 15_000, {
      userData: userData(),
      securityAccessKey: 'TEMPAK',
      securitySecretKey: 'tempsecret',
      securityToken: 'not-the-token-xyz',
    });
    expect(res.statusCode).toBe(502);
    expect(res.body).not.toContain('not-the-token-xyz');
    expect(res.body).not.toContain('tempsecret');
  });

  it('the agency token serves when there are no keys; configured credentials win over the context', async () => {
    const get = await coldHandler('getJob');
    const ctx = { userData: userData(), token: fgEmu.mintToken() };
    expect((await callHttp(get, 'functiongraph', 'getJob', {}, 15_000, ctx)).statusCode).toBe(200);
    expect(lastAuth()).toBe('token');

    // Environment beats user data; CCI_TOKEN beats the context's agency token.
    setEnv({ CCI_TOKEN: 'local-dev-token' });
    const viaEnv = await coldHandler('getJob');
    expect((await callHttp(viaEnv, 'functiongraph', 'getJob', {}, 15_000, ctx)).statusCode).toBe(200);
    expect(lastAuth()).toBe('static');

    // AK/SK beats everything.
    setEnv({ CCI_ACCESS_KEY: 'LOCALAK', CCI_SECRET_KEY: 'localsecretkey' });
    const viaKeys = await coldHandler('getJob');
    expect((await callHttp(viaKeys, 'functiongraph', 'getJob', {}, 15_000, ctx)).statusCode).toBe(200);
    expect(lastAuth()).toBe('aksk');
    expect(fgEmu.stats().iamTokenRequests).toBe(0);
  });

  it('no credentials at all is a configuration error, not a crash with details', async () => {
    const get = await coldHandler('getJob');
    const res = await callHttp(get, 'functiongraph', 'getJob', {}, 15_000, { userData: userData() });
    expect(res.statusCode).toBe(500);
    expect(res.json.detail).toMatch(/No CCI credentials configured/);
  });
});
