/**
 * A warm FunctionGraph instance uses the credentials of the current invocation's context: a new
 * agency token, the same access key with a new secret key or security token, and a revoked token
 * each take effect on the next call (client caches are keyed by a hash of the whole credential).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator';
import { CLEAN_ENV, setEnv } from '../support/env';
import { callHttp, coldHandler } from '../support/harness';
import { TEST_SECRET } from '../support/http-events';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, akSk: [{ accessKey: 'TEMPAK', secretKey: 'new-secret', securityToken: 'new-security-token' }] });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.resetStats();
  setEnv({ ...CLEAN_ENV });
});

const userData = () => ({ CCI_ENDPOINT: emu.url, ALLOWED_NAMESPACES: '*', WEBHOOK_SECRET: TEST_SECRET });

describe('FunctionGraph credentials in a warm instance', () => {
  it('a new agency token is used at once, and a revoked one stops working (no stale cached client)', async () => {
    const get = await coldHandler('getJob'); // one instance for the whole test
    const first = emu.mintToken();
    expect((await callHttp(get, 'functiongraph', 'getJob', {}, 15_000, { userData: userData(), token: first })).statusCode).toBe(200);
    emu.revokeTokens();
    expect((await callHttp(get, 'functiongraph', 'getJob', {}, 15_000, { userData: userData(), token: first })).statusCode).toBe(502);
    const second = emu.mintToken();
    const res = await callHttp(get, 'functiongraph', 'getJob', {}, 15_000, { userData: userData(), token: second });
    expect(res.statusCode).toBe(200);
    expect(emu.requests().filter((r) => r.service === 'cci').at(-1)?.auth).toBe('token');
  });

  it('the same access key with a new secret key: the new one signs the next call', async () => {
    const get = await coldHandler('getJob');
    const keys = (secretKey: string) => ({ userData: userData(), securityAccessKey: 'TEMPAK', securitySecretKey: secretKey, securityToken: 'new-security-token' });
    expect((await callHttp(get, 'functiongraph', 'getJob', {}, 15_000, keys('old-secret'))).statusCode).toBe(502);
    expect((await callHttp(get, 'functiongraph', 'getJob', {}, 15_000, keys('new-secret'))).statusCode).toBe(200);
  });

  it('the same access key and secret with a new security token: the new token is sent', async () => {
    const get = await coldHandler('getJob');
    const keys = (securityToken: string) => ({ userData: userData(), securityAccessKey: 'TEMPAK', securitySecretKey: 'new-secret', securityToken });
    const stale = await callHttp(get, 'functiongraph', 'getJob', {}, 15_000, keys('old-security-token'));
    expect(stale.statusCode).toBe(502);
    expect(stale.body).not.toContain('old-security-token');
    expect((await callHttp(get, 'functiongraph', 'getJob', {}, 15_000, keys('new-security-token'))).statusCode).toBe(200);
  });
});
