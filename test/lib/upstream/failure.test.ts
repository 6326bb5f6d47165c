import { describe, expect, it } from 'vitest';
import { parseUpstreamFailure, retryTransient, transientOf } from '../../../lib/upstream/failure';

const h = (o: Record<string, string> = {}) => new Headers(o);

describe('upstream error shapes', () => {
  it('Kubernetes Status with CCI errorCode, retryAfterSeconds and causes', () => {
    const f = parseUpstreamFailure(
      422,
      h(),
      JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: 'Job.batch.volcano.sh "j" is invalid',
        reason: 'Invalid',
        errorCode: 'CCI.02.422001',
        code: 422,
        details: { retryAfterSeconds: 3, causes: [{ field: 'metadata.labels', message: 'bad', reason: 'FieldValueInvalid' }] },
      }),
    );
    expect(f).toMatchObject({ status: 422, reason: 'Invalid', code: 'CCI.02.422001', retryAfterSeconds: 3, causes: [{ field: 'metadata.labels', message: 'bad' }] });
  });

  it('API gateway shape', () => {
    expect(parseUpstreamFailure(401, h(), '{"error_code":"APIGW.0307","error_msg":"The token must be updated."}')).toMatchObject({
      code: 'APIGW.0307',
      message: 'The token must be updated.',
    });
  });

  it('Keystone shape from IAM', () => {
    expect(parseUpstreamFailure(401, h(), '{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}')).toMatchObject({
      reason: 'Unauthorized',
      message: 'The username or password is wrong.',
    });
  });

  it("plain text (the apiserver's own 429) with a Retry-After header, and HTTP dates", () => {
    expect(parseUpstreamFailure(429, h({ 'retry-after': '1' }), 'Too many requests, please try again later.\n')).toEqual({
      status: 429,
      message: 'Too many requests, please try again later.',
      retryAfterSeconds: 1,
    });
    const later = new Date(Date.now() + 10_000).toUTCString();
    expect(parseUpstreamFailure(503, h({ 'retry-after': later }), '').retryAfterSeconds).toBeGreaterThanOrEqual(8);
    expect(parseUpstreamFailure(502, h(), '').message).toBe('HTTP 502');
  });

  it('clips long bodies to one line', () => {
    const f = parseUpstreamFailure(500, h(), '<html>\n' + 'x'.repeat(2000) + '</html>');
    expect(f.message.length).toBeLessThan(410);
    expect(f.message).not.toContain('\n');
  });
});

describe('transientOf', () => {
  it('time-outs and network errors are retried; TLS failures and answers over the size bound are 502s that are not', () => {
    expect(retryTransient(transientOf({ kind: 'timeout' }, 100))).toBe(true);
    expect(retryTransient(transientOf({ kind: 'network', message: 'ECONNRESET' }, 100))).toBe(true);
    const big = transientOf({ kind: 'too-large', limitBytes: 16 }, 100);
    expect(big).toMatchObject({ status: 502, code: 'answer-too-large', retryable: false, message: expect.stringContaining('16 bytes') });
    expect(retryTransient(big)).toBe(false);
    expect(transientOf({ kind: 'tls', message: 'CERT_HAS_EXPIRED' }, 100)).toMatchObject({ status: 502, code: 'tls-failed' });
  });
});
