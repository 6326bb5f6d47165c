/**
 * Credentials on FunctionGraph: the context's temporary keys (signed with the security token) and
 * agency token, `getUserData` as the environment's fallback, and the contract's precedence order.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator';
import { CLEAN_ENV, setEnv } from '../support/env';
import { callHttp, coldHandler } from '../support/harness';
import { TEST_SECRET } from '../support/http-events';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    akSk: [
      { accessKey: 'LOCALAK', secretKey: 'localsecretkey' },
      { accessKey: 'TEMPAK', secretKey: 'tempsecret', securityToken: 'temp-security-token' },
    ],
  });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.resetStats();
  setEnv({ ...CLEAN_ENV });
});

const userData = () => ({ CCI_ENDPOINT: emu.url, ALLOWED_NAMESPACES: '*', WEBHOOK_SECRET: TEST_SECRET });
const lastAuth = () => emu.requests().filter((r) => r.service === 'cci').at(-1)?.auth;

describe('FunctionGraph credentials', () => {
  it('temporary keys from the context sign requests (with the security token) and win over the agency token', async () => {
    const get = await coldHandler('getJob');
    const res = await callHttp(get, 'functiongraph', 'getJob', {}, 15_000, {
      userData: userData(),
      securityAccessKey: 'TEMPAK',
      securitySecretKey: 'tempsecret',
      securityToken: 'temp-security-token',
      token: emu.mintToken(),
    });
    expect(res.statusCode).toBe(200);
    expect(lastAuth()).toBe('aksk');
    expect(emu.stats().iamTokenRequests).toBe(0);
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
    const ctx = { userData: userData(), token: emu.mintToken() };
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
    expect(emu.stats().iamTokenRequests).toBe(0);
  });

  it('no credentials at all is a configuration error, not a crash with details', async () => {
    const get = await coldHandler('getJob');
    const res = await callHttp(get, 'functiongraph', 'getJob', {}, 15_000, { userData: userData() });
    expect(res.statusCode).toBe(500);
    expect(res.json.detail).toMatch(/No CCI credentials configured/);
  });
});
