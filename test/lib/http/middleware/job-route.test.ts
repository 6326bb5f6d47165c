/** Path parameters: namespace a DNS-1123 label, job name a DNS-1123 subdomain (400). */
import { describe, expect, it } from 'vitest';
import { jobRoute } from '../../../../lib/http/middleware/job-route';
import { callRequest, runBefore } from '../../../support/middy';

describe('jobRoute', () => {
  it('job routes: sets namespace and name on the call', async () => {
    const req = callRequest({ pathParameters: { namespace: 'ns-a', name: 'job.v1' } });
    expect(await runBefore(jobRoute('job'), req)).toBeUndefined();
    expect(req.internal.call).toMatchObject({ namespace: 'ns-a', name: 'job.v1' });
  });
  it.each([
    [{ namespace: 'Bad_NS', name: 'j' }, ['/pathParameters/namespace']],
    [{ namespace: 'ns', name: 'a/b' }, ['/pathParameters/name']],
    [{ namespace: 'ns', name: '..' }, ['/pathParameters/name']],
    [{ namespace: 'ns' }, ['/pathParameters/name']],
    [{}, ['/pathParameters/namespace', '/pathParameters/name']],
    [{ namespace: 'a'.repeat(64), name: 'b'.repeat(254) }, ['/pathParameters/namespace', '/pathParameters/name']],
  ])('refuses %j with 400 at %j', async (pathParameters, paths) => {
    const req = callRequest({ pathParameters: pathParameters as Record<string, string> });
    const err = await runBefore(jobRoute('job'), req);
    expect(err).toMatchObject({ status: 400, code: 'invalid-path', message: 'Path parameters must be valid Kubernetes names (DNS-1123)' });
    expect([...new Set((err as { errors: Array<{ path: string }> }).errors.map((e) => e.path))]).toEqual(paths);
    expect(req.internal.call.namespace).toBe('');
  });
  it('collection routes: the namespace only (the default is the job route)', async () => {
    const req = callRequest({ pathParameters: { namespace: 'ns-a' } });
    expect(await runBefore(jobRoute('collection'), req)).toBeUndefined();
    expect(req.internal.call).toMatchObject({ namespace: 'ns-a', name: '' });
    expect(await runBefore(jobRoute('collection'), callRequest({ pathParameters: { namespace: 'NS' } }))).toMatchObject({ status: 400 });
    expect(await runBefore(jobRoute(), callRequest({ pathParameters: { namespace: 'ns-a' } }))).toMatchObject({ status: 400 });
  });
});
