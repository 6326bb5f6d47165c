/**
 * Webhook signature (401), checked on the raw body and the route path the caller addressed,
 * before anything is said about the request's content. `WEBHOOK_AUTH=none` turns it off
 * explicitly; with neither that nor `WEBHOOK_SECRET`, every request is refused.
 */
import { splitList } from '../../core/config';
import { AppError } from '../../core/errors';
import { signedPath, verifyWebhookSignature } from '../webhook-signature';
import { callOf, type ShellMiddleware } from './types';

/** `routePath` builds the signed path from the path parameters, e.g. `/namespaces/ns/jobs/name`. */
export function webhookSignature(routePath: (params: Record<string, string>) => string): ShellMiddleware {
  return {
    before: (request) => {
      const { http, inv } = callOf(request);
      const secrets = splitList(inv.env('WEBHOOK_SECRET'));
      if (secrets.length === 0) {
        if (inv.env('WEBHOOK_AUTH') === 'none') return;
        throw new AppError(401, 'webhook-auth-not-configured', 'Neither WEBHOOK_SECRET nor WEBHOOK_AUTH=none is set: requests are refused');
      }
      verifyWebhookSignature({
        secrets,
        timestamp: http.headers['x-signature-timestamp'],
        signature: http.headers['x-signature'],
        method: http.method,
        path: signedPath(routePath(http.pathParameters), http.query),
        body: http.body,
      });
    },
  };
}
