/** ALLOWED_NAMESPACES for the HTTP functions (403), read from the invocation's configuration. */
import { describe, expect, it } from 'vitest';
import { namespaceAllowList } from '../../../../lib/http/middleware/namespace-allow-list';
import { callRequest, runBefore } from '../../../support/middy';

describe('namespaceAllowList', () => {
  it('allows listed namespaces and *, refuses others and everything when unset', async () => {
    const check = (env: Record<string, string>, namespace: string) => runBefore(namespaceAllowList(), callRequest({ env, namespace }));
    expect(await check({ ALLOWED_NAMESPACES: 'a,b' }, 'b')).toBeUndefined();
    expect(await check({ ALLOWED_NAMESPACES: '*' }, 'z')).toBeUndefined();
    expect(await check({ ALLOWED_NAMESPACES: 'a,b' }, 'c')).toMatchObject({ status: 403, code: 'namespace-not-allowed' });
    expect(await check({}, 'a')).toMatchObject({ status: 403, message: expect.stringMatching(/not set/) });
  });
});
