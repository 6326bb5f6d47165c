import { describe, expect, it } from 'vitest';
import { parseHttpEvent } from '../../../lib/platform/http-event';
import { loadEvent } from '../../support/http-events';

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
