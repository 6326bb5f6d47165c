/** First middleware: the invocation and the normalised call, from AWS and FunctionGraph events. */
import { describe, expect, it } from 'vitest';
import { httpEvent } from '../../../../lib/http/middleware/event';
import { functionGraphContext, lambdaContext } from '../../../support/contexts';
import { httpEvent as buildEvent } from '../../../support/http-events';
import { rawRequest, runBefore } from '../../../support/middy';

describe('httpEvent middleware', () => {
  it.each(['aws', 'functiongraph'] as const)('%s: state and call from the event and context', async (platform) => {
    const ev = buildEvent(platform, 'patchJob', { body: '{"labels":{"a":"b"}}', query: [['view', 'summary']] });
    const ctx = platform === 'aws' ? lambdaContext(5_000, 'req-aws') : functionGraphContext({ requestId: 'req-fg' });
    const req = rawRequest(ev, ctx);
    expect(await runBefore(httpEvent('patchJob'), req)).toBeUndefined();
    const { call, inv, fn } = req.internal;
    expect(fn).toBe('patchJob');
    expect(inv.requestId).toBe(platform === 'aws' ? 'req-aws' : 'req-fg');
    expect(call!.inv).toBe(inv);
    expect(call!.http.method).toBe('PATCH');
    expect(call!.params.get('view')).toBe('summary');
    expect(call!.body).toEqual(Buffer.from('{"labels":{"a":"b"}}'));
    expect(call!.headers['content-type']).toBe('application/json');
    expect(call!.isBase64Encoded).toBe(false);
    expect([call!.namespace, call!.name]).toEqual(['', '']);
  });
  it('the invocation state exists even when the event is refused (the answer middleware needs it)', async () => {
    const req = rawRequest({ Records: [] }, lambdaContext());
    expect(await runBefore(httpEvent('getJob'), req)).toMatchObject({ status: 400, code: 'not-http' });
    expect(req.internal.inv.requestId).toBeTruthy();
    expect(req.internal.call).toBeUndefined();
  });
  it('an oversized body is a 413', async () => {
    const req = rawRequest(buildEvent('aws', 'patchJob', { body: 'x'.repeat(1024 * 1024 + 1) }), lambdaContext());
    expect(await runBefore(httpEvent('patchJob'), req)).toMatchObject({ status: 413, code: 'body-too-large' });
  });
});
