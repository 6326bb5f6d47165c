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
});
