import { describe, expect, it } from 'vitest';
/** HTTP trigger events of both platforms (and AWS REST 1.0) normalised into one request shape. */
import { isHttpEvent, parseHttpEvent } from '../../../lib/platform/http-event';
import { httpEvent, loadEvent, SEED_NS } from '../../support/http-events';

describe('HTTP event normalisation', () => {
  it('AWS HTTP API 2.0: method, lower-cased headers, path parameters, raw query with repeats', () => {
    const ev = loadEvent<Record<string, any>>('aws/getJob.json');
    ev.rawQueryString = 'view=summary&a=1&a=2&b=x%20y';
    ev.headers['X-Custom'] = 'v';
    const r = parseHttpEvent(ev);
    expect(r.method).toBe('GET');
    expect(r.pathParameters).toEqual({ namespace: 'cci-namespace-42263891', name: 'openmpi-hello-3-com' });
    expect(r.query).toEqual([['view', 'summary'], ['a', '1'], ['a', '2'], ['b', 'x y']]);
    expect(r.headers['x-custom']).toBe('v');
  });

  it('FunctionGraph APIG: base64 body decoded, query object read', () => {
    const r = parseHttpEvent(loadEvent('functiongraph/patchJob.apig.json'));
    expect(r.method).toBe('PATCH');
    expect(r.body.toString()).toBe('{"labels":{"app":"patchlabel"}}');
  });

  it('reads names off the path when the gateway gives no path parameters (prefix match)', () => {
    const ev = loadEvent<Record<string, any>>('functiongraph/getJob.apig.json');
    ev.pathParameters = { '': 'namespaces/ns1/jobs/j%2Dx' };
    ev.path = '/v1/namespaces/ns1/jobs/j%2Dx';
    expect(parseHttpEvent(ev).pathParameters).toMatchObject({ namespace: 'ns1', name: 'j-x' });
  });

  it('refuses bodies over 1 MiB (413) before decoding, and non-HTTP events (400)', () => {
    const ev = loadEvent<Record<string, any>>('functiongraph/patchJob.apig.json');
    ev.body = Buffer.alloc(1024 * 1024 + 10).toString('base64');
    expect(() => parseHttpEvent(ev)).toThrow(expect.objectContaining({ status: 413 }));
    expect(() => parseHttpEvent({ Records: [] })).toThrow(expect.objectContaining({ status: 400 }));
  });

  const status = (fn: () => unknown) => {
    try {
      fn();
      return 0;
    } catch (e) {
      return (e as { status?: number }).status;
    }
  };

  it('a lone surrogate in a query parameter, a header, a path parameter or the path is a 400 (invalid-text); pairs are fine', () => {
    const fg = () => loadEvent<Record<string, any>>('functiongraph/getJob.apig.json');
    const cases: Array<(ev: Record<string, any>) => void> = [
      (ev) => void (ev.queryStringParameters = { view: 'a\ud800' }),
      (ev) => void (ev.queryStringParameters = { 'v\udc00': 'x' }),
      (ev) => void (ev.headers['x-note'] = '\udbff'),
      (ev) => void (ev.pathParameters = { namespace: 'ns\ud800', name: 'j' }),
      (ev) => void (ev.path = '/namespaces/ns/jobs/j\ud800'),
    ];
    for (const mutate of cases) {
      const ev = fg();
      mutate(ev);
      expect(status(() => parseHttpEvent(ev))).toBe(400);
    }
    const ok = fg();
    ok.headers['x-note'] = '😀';
    expect(status(() => parseHttpEvent(ok))).toBe(0);
  });

  it('base64 bodies are measured after decoding: line breaks do not count; exactly 1 MiB passes, one byte more is 413', () => {
    const ev = (size: number) => {
      const e = loadEvent<Record<string, any>>('functiongraph/patchJob.apig.json');
      e.body = Buffer.alloc(size, 0x20).toString('base64').replace(/.{76}/g, '$&\r\n');
      return e;
    };
    expect(parseHttpEvent(ev(1024 * 1024)).body.length).toBe(1024 * 1024);
    expect(status(() => parseHttpEvent(ev(1024 * 1024 + 1)))).toBe(413);
  });

  it('header and path parameter maps have no prototype: a header named __proto__ or constructor is an entry', () => {
    const ev = loadEvent<Record<string, any>>('aws/getJob.json');
    ev.headers = JSON.parse('{"__proto__":"p","constructor":"c"}');
    const r = parseHttpEvent(ev);
    expect(Object.keys(r.headers)).toEqual(['__proto__', 'constructor']);
    expect(r.headers['toString']).toBeUndefined();
  });
});

describe('HTTP event normalisation, more shapes', () => {
  it('signed events from the factory, both platforms: same request shape', () => {
    const aws = parseHttpEvent(httpEvent('aws', 'patchJob', { body: '{"a":1}', query: [['view', 'summary']] }));
    const fg = parseHttpEvent(httpEvent('functiongraph', 'patchJob', { body: '{"a":1}', query: [['view', 'summary']] }));
    for (const r of [aws, fg]) {
      expect(r.method).toBe('PATCH');
      expect(r.pathParameters).toEqual({ namespace: SEED_NS, name: 'openmpi-hello-2-com' });
      expect(r.query).toEqual([['view', 'summary']]);
      expect(r.body.toString()).toBe('{"a":1}');
      expect(r.headers['x-signature']).toMatch(/^sha256=/);
    }
  });

  it('REST API 1.0 multi-value queries keep repeats; array values in a single-value map too', () => {
    const multi = parseHttpEvent({ httpMethod: 'get', path: '/x', multiValueQueryStringParameters: { a: ['1', '2'], b: ['x'] }, queryStringParameters: { a: '2', b: 'x' } });
    expect(multi.method).toBe('GET');
    expect(multi.query).toEqual([['a', '1'], ['a', '2'], ['b', 'x']]);
    expect(parseHttpEvent({ httpMethod: 'GET', queryStringParameters: { a: ['1', '2'], n: null, u: undefined, k: 5 } }).query).toEqual([['a', '1'], ['a', '2'], ['k', '5']]);
    expect(parseHttpEvent({ httpMethod: 'GET', rawQueryString: '', requestContext: { http: { method: 'GET' } } }).query).toEqual([]);
  });

  it('headers: names lower-cased, array values joined, other types dropped', () => {
    const r = parseHttpEvent({ httpMethod: 'GET', headers: { 'X-A': 'a', 'X-Multi': ['1', '2'], 'X-Num': 5, 'X-Null': null } });
    expect(r.headers).toEqual({ 'x-a': 'a', 'x-multi': '1,2' });
  });

  it('bodies: "true" as isBase64Encoded decodes, a parsed object is re-serialised, absent is empty', () => {
    expect(parseHttpEvent({ httpMethod: 'PATCH', body: Buffer.from('{"x":1}').toString('base64'), isBase64Encoded: 'true' }).body.toString()).toBe('{"x":1}');
    expect(parseHttpEvent({ httpMethod: 'PATCH', body: { x: 1 } }).body.toString()).toBe('{"x":1}');
    expect(parseHttpEvent({ httpMethod: 'PATCH' }).body.length).toBe(0);
    expect(parseHttpEvent({ httpMethod: 'PATCH', body: null }).body.length).toBe(0);
  });

  it('a body of exactly 1 MiB is accepted, one byte more is a 413 (bytes, not characters)', () => {
    const limit = 1024 * 1024;
    expect(parseHttpEvent({ httpMethod: 'PATCH', body: 'x'.repeat(limit) }).body.length).toBe(limit);
    expect(() => parseHttpEvent({ httpMethod: 'PATCH', body: 'x'.repeat(limit + 1) })).toThrow(expect.objectContaining({ status: 413, code: 'body-too-large' }));
    // 'é' is two bytes: half a million of them exceed 1 MiB although the text is shorter.
    expect(() => parseHttpEvent({ httpMethod: 'PATCH', body: 'é'.repeat(limit / 2 + 1) })).toThrow(expect.objectContaining({ status: 413 }));
  });

  it('path parameters read off the path must be valid percent-encoding (400)', () => {
    expect(() => parseHttpEvent({ httpMethod: 'GET', path: '/namespaces/ns/jobs/%E0%A4%A' })).toThrow(expect.objectContaining({ status: 400, code: 'invalid-path' }));
    expect(parseHttpEvent({ httpMethod: 'GET', rawPath: '/namespaces/ns/jobs/j/', requestContext: { http: { method: 'GET' } } }).pathParameters).toEqual({ namespace: 'ns', name: 'j' });
    // The collection route (listJobs) names the namespace only.
    expect(parseHttpEvent({ httpMethod: 'GET', path: '/namespaces/ns/jobs' }).pathParameters).toEqual({ namespace: 'ns' });
    expect(parseHttpEvent({ httpMethod: 'GET', path: '/stage/namespaces/n%2Ds/jobs/' }).pathParameters).toEqual({ namespace: 'n-s' });
    expect(() => parseHttpEvent({ httpMethod: 'GET', path: '/namespaces/%E0%A4%A/jobs' })).toThrow(expect.objectContaining({ status: 400, code: 'invalid-path' }));
  });

  it('isHttpEvent: an httpMethod or requestContext.http.method, nothing else', () => {
    expect(isHttpEvent({ httpMethod: 'GET' })).toBe(true);
    expect(isHttpEvent({ requestContext: { http: { method: 'GET' } } })).toBe(true);
    for (const ev of [null, [], {}, { requestContext: {} }, { httpMethod: 1 }, { Records: [] }, 'GET']) expect(isHttpEvent(ev)).toBe(false);
  });
});
