/** Which job a request addresses: namespace and name checked before CCI is called. */
import { describe, expect, it } from 'vitest';
import { assertValidJobRef, assertValidNamespace, jobRefIssues } from '../../../lib/job/ref';

const PATHS = { namespace: '/namespace', name: '/name' };

describe('jobRefIssues', () => {
  it('valid names have no issue', () => expect(jobRefIssues('ns-1', 'job.v1-a', PATHS)).toEqual([]));
  it('missing and invalid parts are reported at their paths', () => {
    expect(jobRefIssues(undefined, undefined, PATHS)).toEqual([{ path: '/namespace', message: 'is missing' }, { path: '/name', message: 'is missing' }]);
    const issues = jobRefIssues('Bad_NS', '../etc', PATHS);
    expect(issues.map((i) => i.path)).toEqual(['/namespace', '/name']);
    // A namespace is a label (no dots), a job name a subdomain (dots allowed).
    expect(jobRefIssues('a.b', 'a.b', PATHS).map((i) => i.path)).toEqual(['/namespace']);
    expect(jobRefIssues('x'.repeat(64), 'y'.repeat(254), PATHS).map((i) => i.message)).toEqual(['must be no more than 63 characters', 'must be no more than 253 characters']);
  });
});

describe('assertValidJobRef / assertValidNamespace', () => {
  it('throw 400 with the given code, detail and the issues', () => {
    expect(() => assertValidJobRef('ns', 'j', PATHS, 'c', 'd')).not.toThrow();
    let err: unknown;
    try {
      assertValidJobRef('ns', 'a/b', PATHS, 'invalid-message', 'bad ref');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ status: 400, code: 'invalid-message', message: 'bad ref', errors: [{ path: '/name' }] });
    expect(() => assertValidNamespace('ns', '/ns', 'c', 'd')).not.toThrow();
    expect(() => assertValidNamespace(undefined, '/ns', 'c', 'd')).toThrow(expect.objectContaining({ status: 400, errors: [{ path: '/ns', message: 'is missing' }] }));
    expect(() => assertValidNamespace('NS', '/ns', 'c', 'd')).toThrow(expect.objectContaining({ status: 400, code: 'c' }));
  });
});
