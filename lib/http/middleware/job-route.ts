/**
 * Path parameters of the job routes: `{namespace}` a DNS-1123 label and, for `/jobs/{name}`, the
 * name a DNS-1123 subdomain (400 otherwise), so CCI is never called with a name that it would
 * refuse or that escapes its URL segment.
 */
import { assertValidJobRef, assertValidNamespace } from '../../job/ref';
import { callOf, type ShellMiddleware } from './types';

const PATHS = { namespace: '/pathParameters/namespace', name: '/pathParameters/name' };
const DETAIL = 'Path parameters must be valid Kubernetes names (DNS-1123)';

export function jobRoute(kind: 'job' | 'collection' = 'job'): ShellMiddleware {
  return {
    before: (request) => {
      const call = callOf(request);
      const { namespace, name } = call.http.pathParameters;
      if (kind === 'job') {
        assertValidJobRef(namespace, name, PATHS, 'invalid-path', DETAIL);
        call.name = name!;
      } else {
        assertValidNamespace(namespace, PATHS.namespace, 'invalid-path', DETAIL);
      }
      call.namespace = namespace!;
    },
  };
}
