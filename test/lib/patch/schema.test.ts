/** The PATCH body and queue message schemas (lib/core/schema.ts), with our issue wording. */
import { describe, expect, it } from 'vitest';
import { COUNT_RULE, isCount, isFieldManager, isResourceVersion, MAX_COUNT, parsePatchBody, parseQueueMessage, patchBodyOf } from '../../../lib/patch/schema';
import { caught } from '../../support/errors';


describe('PATCH body schema', () => {
  it('accepts the contract example', () => {
    const b = parsePatchBody({
      labels: { app: 'patchlabel', obsolete: null },
      annotations: { owner: 'team-a' },
      replicas: { mpiworker: 4 },
      minAvailable: 3,
      resourceVersion: '7695210',
      dryRun: false,
    });
    expect(b.replicas).toEqual({ mpiworker: 4 });
  });

  it('refuses unknown fields, wrong types, negative or fractional counts with paths', () => {
    const e = caught(() => parsePatchBody({ label: { a: 'b' }, replicas: { w: -1, v: 1.5 }, labels: { a: 3 } }));
    expect(e.status).toBe(400);
    const paths = e.errors!.map((x) => x.path).sort();
    expect(paths).toEqual(['/label', '/labels/a', '/replicas/v', '/replicas/w']);
  });

  it('refuses a body that changes nothing, and a non-numeric resourceVersion', () => {
    expect(caught(() => parsePatchBody({ dryRun: true })).status).toBe(400);
    expect(caught(() => parsePatchBody({ labels: {}, resourceVersion: 'abc' })).errors![0]!.message).toMatch(/decimal/);
  });

  it('queue messages are the same schema plus namespace and name', () => {
    expect(parseQueueMessage({ namespace: 'ns', name: 'j', labels: { a: 'b' } }).namespace).toBe('ns');
    expect(caught(() => parseQueueMessage({ labels: { a: 'b' } })).status).toBe(400);
  });
});

describe('PATCH body schema: edges', () => {
  it('counts are integers from 0 to 2^31-1', () => {
    expect([0, 1, MAX_COUNT].every(isCount)).toBe(true);
    expect([-1, 1.5, MAX_COUNT + 1, NaN, Infinity, '1', null].some(isCount)).toBe(false);
    expect(caught(() => parsePatchBody({ minAvailable: MAX_COUNT + 1 })).errors).toEqual([{ path: '/minAvailable', message: COUNT_RULE }]);
    expect(parsePatchBody({ minAvailable: 0 }).minAvailable).toBe(0);
  });

  it('keys such as __proto__ and constructor stay plain entries (no prototype tricks)', () => {
    const body = parsePatchBody(JSON.parse('{"labels":{"__proto__":"x","constructor":"y"},"replicas":{"__proto__":2}}'));
    expect(Object.keys(body.labels!)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(body.labels)).toBe(Object.prototype);
    expect(Object.entries(body.replicas!)).toEqual([['__proto__', 2]]);
    // A key named __proto__ at the top is an unknown field, not a prototype.
    const e = caught(() => parsePatchBody(JSON.parse('{"__proto__":{"labels":{"a":"b"}},"labels":{"a":"b"}}')));
    expect(e.errors).toEqual([{ path: '/__proto__', message: 'is not a known field' }]);
  });

  it('maps must be objects: not arrays, strings or null', () => {
    for (const labels of [[], 'a=b', null, 5]) expect(caught(() => parsePatchBody({ labels })).errors![0]!.path).toBe('/labels');
    expect(caught(() => parsePatchBody({ labels: { a: 1 } })).errors).toEqual([{ path: '/labels/a', message: 'must be a string (or null to remove it)' }]);
    expect(caught(() => parsePatchBody({ replicas: { w: null } })).errors).toEqual([{ path: '/replicas/w', message: COUNT_RULE }]);
  });

  it('the body must be an object', () => {
    for (const v of [null, [], 'x', 1, undefined]) expect(caught(() => parsePatchBody(v)).status).toBe(400);
  });

  it('fieldManager: 1 to 128 printable characters', () => {
    expect(isFieldManager('a')).toBe(true);
    expect(isFieldManager('x'.repeat(128))).toBe(true);
    expect(isFieldManager('ünïcode ok')).toBe(true);
    for (const v of ['', 'x'.repeat(129), 'tab\there', 'nl\n', '\u0000', '\u200b']) expect(isFieldManager(v)).toBe(false);
    expect(caught(() => parsePatchBody({ labels: { a: 'b' }, fieldManager: '' })).errors![0]!.path).toBe('/fieldManager');
  });

  it('a message without the change fields is refused, and patchBodyOf drops namespace and name', () => {
    const e = caught(() => parseQueueMessage({ namespace: 'ns', name: 'j', dryRun: true }));
    expect(e).toMatchObject({ status: 400, code: 'invalid-body', errors: [{ path: '' }] });
    const m = parseQueueMessage({ namespace: 'ns', name: 'j', replicas: { w: 2 }, dryRun: true });
    expect(patchBodyOf(m)).toEqual({ replicas: { w: 2 }, dryRun: true });
    expect(caught(() => parseQueueMessage({ namespace: 1, name: 'j', labels: {} })).errors![0]!.path).toBe('/namespace');
  });
});

describe('resourceVersion preconditions', () => {
  it('a stored version (positive, at most 19 digits, as etcd revisions are int64) passes; "0", "", signs, leading zeros, non-digits and numbers past uint64 do not', () => {
    for (const ok of ['1', '7695210', '9223372036854775807', '9999999999999999999']) expect(isResourceVersion(ok)).toBe(true);
    for (const bad of ['0', '', '00', '01', '-1', '+1', '1.0', '1e3', ' 1', 'abc', '99999999999999999999', '18446744073709551616', 7695210, null]) {
      expect(isResourceVersion(bad)).toBe(false);
    }
  });
});
