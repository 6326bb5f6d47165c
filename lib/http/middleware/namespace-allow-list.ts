/** `ALLOWED_NAMESPACES` for the HTTP functions (403), failing closed when it is not set. */
import { assertNamespaceAllowed } from '../../job/namespaces';
import { callOf, type ShellMiddleware } from './types';

export function namespaceAllowList(): ShellMiddleware {
  return {
    before: (request) => {
      const call = callOf(request);
      assertNamespaceAllowed(call.inv.env('ALLOWED_NAMESPACES'), call.namespace);
    },
  };
}
