/**
 * The platform context as a Runtime: AWS Lambda, FunctionGraph (user data as the environment's
 * fallback, credentials read from the context on every invocation), and no context at all.
 */
import { describe, expect, it } from 'vitest';
import { functionGraphCredentials, invocationFrom, isFunctionGraphContext, type FunctionGraphContext } from '../../../lib/platform/invocation';
import { functionGraphContext, lambdaContext, type FgContextOptions } from '../../support/contexts';
import { setEnv } from '../../support/env';

describe('AWS Lambda', () => {
  it('request id, deadline from getRemainingTimeInMillis minus the reserve, process environment, no context credentials', () => {
    setEnv({ VJF_INV_TEST: 'env-value' });
    const inv = invocationFrom(lambdaContext(10_000, 'aws-req-1'));
    expect(inv.requestId).toBe('aws-req-1');
    expect(inv.deadline.remaining()).toBeGreaterThan(8_900);
    expect(inv.deadline.remaining()).toBeLessThanOrEqual(9_000);
    expect(inv.env('VJF_INV_TEST')).toBe('env-value');
    expect(inv.contextCredentials).toBeUndefined();
    expect(isFunctionGraphContext(lambdaContext())).toBe(false);
  });
});

describe('FunctionGraph', () => {
  it('request id, deadline from getRemainingTimeInMilliSeconds, user data behind the environment', () => {
    setEnv({ VJF_INV_BOTH: 'env', VJF_INV_ENV_ONLY: 'env-only' });
    const ctx = functionGraphContext({ remainingMs: 5_000, requestId: 'fg-req-1', userData: { VJF_INV_BOTH: 'user-data', VJF_INV_DATA_ONLY: 'data-only' } });
    expect(isFunctionGraphContext(ctx)).toBe(true);
    const inv = invocationFrom(ctx);
    expect(inv.requestId).toBe('fg-req-1');
    expect(inv.deadline.remaining()).toBeGreaterThan(4_400);
    expect(inv.deadline.remaining()).toBeLessThanOrEqual(4_500);
    expect(inv.env('VJF_INV_BOTH')).toBe('env');
    expect(inv.env('VJF_INV_ENV_ONLY')).toBe('env-only');
    expect(inv.env('VJF_INV_DATA_ONLY')).toBe('data-only');
    expect(inv.env('VJF_INV_NONE')).toBeUndefined();
  });

  it('context credentials: every getter read, empty ones left out', () => {
    const inv = invocationFrom(functionGraphContext({ securityAccessKey: 'AK', securitySecretKey: 'SK', securityToken: 'ST', projectId: 'P', token: 'agency' }));
    expect(inv.contextCredentials).toEqual({ accessKey: 'AK', secretKey: 'SK', securityToken: 'ST', projectId: 'P', agencyToken: 'agency' });
    expect(invocationFrom(functionGraphContext()).contextCredentials).toEqual({});
  });

  it('credentials are read per invocation: a warm instance sees the rotated keys', () => {
    const o: FgContextOptions = { securityAccessKey: 'AK-1', securitySecretKey: 'SK-1', securityToken: 'ST-1' };
    const ctx = functionGraphContext(o);
    expect(invocationFrom(ctx).contextCredentials).toMatchObject({ accessKey: 'AK-1', securityToken: 'ST-1' });
    o.securityAccessKey = 'AK-2';
    o.securitySecretKey = 'SK-2';
    o.securityToken = 'ST-2';
    expect(invocationFrom(ctx).contextCredentials).toMatchObject({ accessKey: 'AK-2', secretKey: 'SK-2', securityToken: 'ST-2' });
  });

  it('getters that are missing, throw or return null count as not given', () => {
    const fg: FunctionGraphContext = {
      getRequestID: () => 'r',
      getRemainingTimeInMilliSeconds: () => 1_000,
      getUserData: () => {
        throw new Error('no user data');
      },
      getSecurityAccessKey: () => {
        throw new Error('not an agency function');
      },
      getSecuritySecretKey: () => null as unknown as string,
      getToken: () => undefined,
    };
    expect(functionGraphCredentials(fg)).toEqual({});
    const inv = invocationFrom(fg);
    expect(inv.env('VJF_INV_NONE')).toBeUndefined();
    expect(inv.contextCredentials).toEqual({});
  });

  it('an unusable remaining time falls back to 30 s', () => {
    for (const remaining of [0, -1, NaN]) {
      const inv = invocationFrom({ getRequestID: () => 'r', getRemainingTimeInMilliSeconds: () => remaining, getUserData: () => undefined });
      expect(inv.deadline.remaining()).toBeGreaterThan(28_000);
    }
  });
});

describe('no context', () => {
  it('scripts and local invokes: a local request id, 30 s, the process environment', () => {
    setEnv({ VJF_INV_LOCAL: 'x' });
    const a = invocationFrom(undefined);
    const b = invocationFrom({});
    expect(a.requestId).toMatch(/^local-\d+$/);
    expect(b.requestId).not.toBe(a.requestId);
    expect(a.deadline.remaining()).toBeGreaterThan(28_000);
    expect(a.env('VJF_INV_LOCAL')).toBe('x');
    expect(a.contextCredentials).toBeUndefined();
    expect(invocationFrom({ awsRequestId: 'given' }).requestId).toBe('given');
  });
});
