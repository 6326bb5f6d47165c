/** AK/SK credentials as a CciAuth: every request signed (the emulator's verifier accepts it); a 401 is final. */
import { describe, expect, it } from 'vitest';
import { verifyAkSk } from '../../../emulator/aksk-verify';
import { Deadline } from '../../../lib/core/deadline';
import { akSkAuth } from '../../../lib/credentials/aksk';

const d = () => Deadline.after(1_000);

describe('akSkAuth', () => {
  it('signs the request so that the verifier accepts it as sent', async () => {
    const auth = akSkAuth({ accessKey: 'AK1', secretKey: 'SK1', securityToken: 'ST1', projectId: 'P1' });
    const url = 'http://127.0.0.1:8790/apis/batch.volcano.sh/v1alpha1/namespaces/ns/jobs/j?dryRun=All';
    const body = '{"metadata":{"labels":{"a":"b"}}}';
    const headers = await auth.authorize({ method: 'PATCH', url, headers: { 'content-type': 'application/merge-patch+json' }, body }, d());
    expect(headers).toMatchObject({ 'content-type': 'application/merge-patch+json', 'X-Security-Token': 'ST1', 'X-Project-Id': 'P1', 'X-Sdk-Date': expect.stringMatching(/^\d{8}T\d{6}Z$/) });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const result = verifyAkSk(
      { method: 'PATCH', rawUrl: '/apis/batch.volcano.sh/v1alpha1/namespaces/ns/jobs/j?dryRun=All', headers: { ...lower, host: '127.0.0.1:8790' }, body: Buffer.from(body) },
      (ak) => (ak === 'AK1' ? { secretKey: 'SK1', securityToken: 'ST1' } : undefined),
    );
    expect(result).toEqual({ ok: true, accessKey: 'AK1' });
  });

  it('an absent body signs as the empty body', async () => {
    const auth = akSkAuth({ accessKey: 'AK1', secretKey: 'SK1' });
    const a = await auth.authorize({ method: 'GET', url: 'http://h/x', headers: {} }, d());
    const b = await auth.authorize({ method: 'GET', url: 'http://h/x', headers: {}, body: '' }, d());
    if (a['X-Sdk-Date'] === b['X-Sdk-Date']) expect(a.Authorization).toBe(b.Authorization);
  });

  it('kind aksk; a 401 is final; the fingerprint holds neither key', () => {
    const auth = akSkAuth({ accessKey: 'AKVISIBLE', secretKey: 'SKSECRET' });
    expect(auth.kind).toBe('aksk');
    expect(auth.unauthorized({})).toBe(false);
    expect(auth.fingerprint).not.toMatch(/AKVISIBLE|SKSECRET/);
  });
});
