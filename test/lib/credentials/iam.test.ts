/** IAM password tokens from the emulator's IAM: the request, expiry parsing, refusals, retries, and the token key. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../lib/core/errors';
import { Deadline } from '../../../lib/core/deadline';
import { iamPasswordSource, iamTokenKey, parseExpiresAt, requestProjectToken } from '../../../lib/credentials/iam';
import { useEmulator } from '../../support/harness';

const emu = useEmulator();

const creds = { domain: 'demo-domain', user: 'demo-user', password: 'demo-password', project: 'cn-north-4' };

describe('IAM password tokens', () => {
  it('parses expires_at with microseconds', () => {
    expect(parseExpiresAt('2020-01-04T09:05:22.701000Z')).toBe(Date.UTC(2020, 0, 4, 9, 5, 22, 701));
    expect(parseExpiresAt('2020-01-04T09:05:22Z')).toBe(Date.UTC(2020, 0, 4, 9, 5, 22));
    expect(parseExpiresAt('soon')).toBeUndefined();
  });

  it('gets a ~9 KB project-scoped token from X-Subject-Token with its expiry', async () => {
    const t = await requestProjectToken(emu.url, creds, Deadline.after(5_000));
    expect(t.token.length).toBeGreaterThan(8_000);
    expect(t.expiresAt - Date.now()).toBeGreaterThan(23 * 3600_000);
    const req = emu.requests().find((r) => r.service === 'iam')!;
    expect(req.path).toBe('/v3/auth/tokens');
    expect(req.query).toContain('nocatalog=true');
  });

  it('a refusal is a 502 naming the user, never the password', async () => {
    const err = await requestProjectToken(emu.url, { ...creds, password: 'sekrit-pw-42' }, Deadline.after(5_000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(502);
    expect((err as AppError).message).toContain('demo-user');
    expect((err as AppError).message).not.toContain('sekrit-pw-42');
    expect(emu.stats().iamTokenRequests).toBe(1); // a refusal is not retried
  });

  it('retries IAM 5xx and 429, then gives 503', async () => {
    emu.addFault({ service: 'iam', times: 2, action: { type: 'status', status: 503 } });
    await expect(requestProjectToken(emu.url, creds, Deadline.after(10_000))).resolves.toMatchObject({ token: expect.any(String) });
    emu.addFault({ service: 'iam', times: Infinity, action: { type: 'status', status: 429 } });
    const err = (await requestProjectToken(emu.url, creds, Deadline.after(10_000)).catch((e: unknown) => e)) as AppError;
    expect(err.status).toBe(503);
  });
});

describe('IAM token identity', () => {
  it('the key names endpoint, domain, user and project and a hash of the password, never the password', () => {
    const key = iamTokenKey('https://iam', creds);
    expect(key).toMatch(/^iam:https:\/\/iam\|demo-domain\|demo-user\|cn-north-4\|[0-9a-f]{16}$/);
    expect(key).not.toContain('demo-password');
    const keys = new Set([
      key,
      iamTokenKey('https://iam', { ...creds, password: 'other' }),
      iamTokenKey('https://iam', { ...creds, user: 'other' }),
      iamTokenKey('https://iam', { ...creds, domain: 'other' }),
      iamTokenKey('https://iam', { ...creds, project: 'other' }),
      iamTokenKey('https://other', creds),
    ]);
    expect(keys.size).toBe(6);
    expect(iamPasswordSource('https://iam', creds).key).toBe(key);
  });

  it('a token source fetches from IAM, and an IAM answer without X-Subject-Token is a 502', async () => {
    await expect(iamPasswordSource(emu.url, creds).fetch(Deadline.after(5_000))).resolves.toMatchObject({ token: expect.any(String) });
    emu.addFault({ service: 'iam', action: { type: 'status', status: 201, body: '{"token":{}}' } });
    await expect(requestProjectToken(emu.url, creds, Deadline.after(5_000))).rejects.toMatchObject({ status: 502, code: 'iam-bad-answer' });
  });

  it('a hung IAM is a 504 within the deadline', async () => {
    emu.addFault({ service: 'iam', times: Infinity, action: { type: 'hang' } });
    const started = Date.now();
    await expect(requestProjectToken(emu.url, creds, Deadline.after(600))).rejects.toMatchObject({ status: 504, code: 'iam-timeout' });
    expect(Date.now() - started).toBeLessThan(1_200);
  });
});
