/**
 * Client per endpoint and credential fingerprint: warm invocations reuse one; any change of
 * endpoint or credential (token, AK, SK, security token) gets another; the cache is bounded.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadline } from '../../../lib/core/deadline';
import type { ContextCredentials, Runtime } from '../../../lib/core/runtime';

type Setup = typeof import('../../../lib/cci/setup');
let setup: Setup;
beforeEach(async () => {
  vi.resetModules();
  setup = await import('../../../lib/cci/setup');
});

const rt = (env: Record<string, string>, contextCredentials?: ContextCredentials): Runtime => ({
  requestId: 'r',
  deadline: Deadline.after(1_000),
  env: (k) => env[k],
  ...(contextCredentials ? { contextCredentials } : {}),
});

describe('cciClientFor', () => {
  it('needs CCI_ENDPOINT (500 config)', () => {
    expect(() => setup.cciClientFor(rt({ CCI_TOKEN: 't' }))).toThrow(expect.objectContaining({ status: 500, code: 'config', message: 'CCI_ENDPOINT is not set' }));
  });

  it('reuses the client for the same endpoint and credentials', () => {
    const env = { CCI_ENDPOINT: 'http://a', CCI_TOKEN: 't1' };
    expect(setup.cciClientFor(rt(env))).toBe(setup.cciClientFor(rt({ ...env })));
  });

  it('another endpoint, token, access key, secret key or security token gets its own client', () => {
    const seen = new Set<unknown>();
    const configs: Array<[Record<string, string>, ContextCredentials?]> = [
      [{ CCI_ENDPOINT: 'http://a', CCI_TOKEN: 't1' }],
      [{ CCI_ENDPOINT: 'http://b', CCI_TOKEN: 't1' }],
      [{ CCI_ENDPOINT: 'http://a', CCI_TOKEN: 't2' }],
      [{ CCI_ENDPOINT: 'http://a', CCI_ACCESS_KEY: 'AK', CCI_SECRET_KEY: 'SK1' }],
      [{ CCI_ENDPOINT: 'http://a', CCI_ACCESS_KEY: 'AK', CCI_SECRET_KEY: 'SK2' }],
      [{ CCI_ENDPOINT: 'http://a', CCI_ACCESS_KEY: 'AK2', CCI_SECRET_KEY: 'SK2' }],
      [{ CCI_ENDPOINT: 'http://a' }, { accessKey: 'TAK', secretKey: 'TSK', securityToken: 'st1' }],
      [{ CCI_ENDPOINT: 'http://a' }, { accessKey: 'TAK', secretKey: 'TSK', securityToken: 'st2' }],
      [{ CCI_ENDPOINT: 'http://a' }, { agencyToken: 'ag1' }],
      [{ CCI_ENDPOINT: 'http://a' }, { agencyToken: 'ag2' }],
    ];
    for (const [env, cc] of configs) seen.add(setup.cciClientFor(rt(env, cc)));
    expect(seen.size).toBe(configs.length);
  });

  it('keeps at most 16 clients, dropping the oldest', () => {
    const first = setup.cciClientFor(rt({ CCI_ENDPOINT: 'http://a', CCI_TOKEN: 'token-0' }));
    for (let i = 1; i <= 16; i++) setup.cciClientFor(rt({ CCI_ENDPOINT: 'http://a', CCI_TOKEN: `token-${i}` }));
    // token-0 was evicted (a new client), token-16 is still cached.
    expect(setup.cciClientFor(rt({ CCI_ENDPOINT: 'http://a', CCI_TOKEN: 'token-0' }))).not.toBe(first);
    const last = setup.cciClientFor(rt({ CCI_ENDPOINT: 'http://a', CCI_TOKEN: 'token-16' }));
    expect(setup.cciClientFor(rt({ CCI_ENDPOINT: 'http://a', CCI_TOKEN: 'token-16' }))).toBe(last);
  });

  it('no credentials: the precedence list\'s configuration error', () => {
    expect(() => setup.cciClientFor(rt({ CCI_ENDPOINT: 'http://a' }))).toThrow(/No CCI credentials configured/);
  });
});
