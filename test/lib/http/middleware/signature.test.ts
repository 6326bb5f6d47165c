/** The webhook signature check on the raw body and the route path (401), and its configuration. */
import { describe, expect, it } from 'vitest';
import { webhookSignature } from '../../../../lib/http/middleware/signature';
import { signedPath, signWebhook } from '../../../../lib/http/webhook-signature';
import { callRequest, runBefore } from '../../../support/middy';

const route = (p: Record<string, string>) => `/namespaces/${p.namespace ?? ''}/jobs/${p.name ?? ''}`;
const pathParameters = { namespace: 'ns', name: 'j' };

function signed(secret: string, o: { method?: string; body?: string; query?: Array<[string, string]>; env?: Record<string, string>; path?: string } = {}) {
  const method = o.method ?? 'PATCH';
  const headers = signWebhook(secret, method, o.path ?? signedPath('/namespaces/ns/jobs/j', o.query ?? []), o.body ?? '');
  return callRequest({ method, headers, pathParameters, query: o.query ?? [], body: o.body ?? '', env: o.env ?? { WEBHOOK_SECRET: 'sec' } });
}

describe('webhookSignature', () => {
  it('accepts a signature over method, route path, canonical query and raw body', async () => {
    expect(await runBefore(webhookSignature(route), signed('sec', { body: '{"a":1}', query: [['view', 'summary'], ['dryRun', 'All']] }))).toBeUndefined();
  });
  it('any configured secret may match (rotation)', async () => {
    expect(await runBefore(webhookSignature(route), signed('new', { env: { WEBHOOK_SECRET: 'old, new' } }))).toBeUndefined();
  });
  it('refuses a wrong secret, another path, another body, a missing header (401)', async () => {
    expect(await runBefore(webhookSignature(route), signed('wrong'))).toMatchObject({ status: 401, message: 'Signature does not match' });
    expect(await runBefore(webhookSignature(route), signed('sec', { path: '/namespaces/ns/jobs/other' }))).toMatchObject({ status: 401 });
    const req = signed('sec', { body: '{"a":1}' });
    req.internal.call.http.body = Buffer.from('{"a":2}');
    expect(await runBefore(webhookSignature(route), req)).toMatchObject({ status: 401 });
    const bare = callRequest({ method: 'GET', pathParameters, env: { WEBHOOK_SECRET: 'sec' } });
    expect(await runBefore(webhookSignature(route), bare)).toMatchObject({ status: 401, message: expect.stringMatching(/^Missing X-Signature/) });
  });
  it('no secret: refused unless WEBHOOK_AUTH=none says so explicitly', async () => {
    expect(await runBefore(webhookSignature(route), callRequest({ pathParameters }))).toMatchObject({ status: 401, code: 'webhook-auth-not-configured' });
    expect(await runBefore(webhookSignature(route), callRequest({ pathParameters, env: { WEBHOOK_AUTH: 'None' } }))).toMatchObject({ status: 401 });
    expect(await runBefore(webhookSignature(route), callRequest({ pathParameters, env: { WEBHOOK_AUTH: 'none' } }))).toBeUndefined();
    expect(await runBefore(webhookSignature(route), callRequest({ pathParameters, env: { WEBHOOK_SECRET: ' , ' } }))).toMatchObject({ code: 'webhook-auth-not-configured' });
  });
  it('a secret set wins over WEBHOOK_AUTH=none', async () => {
    expect(await runBefore(webhookSignature(route), callRequest({ pathParameters, env: { WEBHOOK_SECRET: 'sec', WEBHOOK_AUTH: 'none' } }))).toMatchObject({ status: 401 });
  });
});
