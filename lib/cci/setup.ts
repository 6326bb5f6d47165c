/**
 * Builds the Volcano Job API client for an invocation from its configuration. Clients are kept
 * per endpoint and credential fingerprint in module scope, so warm invocations reuse them (and
 * their tokens and sockets); a rotated credential has another fingerprint and gets its own client.
 * The map is bounded: credentials that rotate every invocation cannot grow it without end.
 */
import { AppError } from '../core/errors';
import type { Runtime } from '../core/runtime';
import { resolveCciAuth } from '../credentials';
import { CciClient } from './client';
import type { JobApi } from './port';

const MAX_CLIENTS = 16;
const clients = new Map<string, CciClient>();

export function cciClientFor(rt: Runtime): JobApi {
  const endpoint = rt.env('CCI_ENDPOINT');
  if (!endpoint) throw new AppError(500, 'config', 'CCI_ENDPOINT is not set');
  const auth = resolveCciAuth(rt);
  const key = `${endpoint}|${auth.fingerprint}`;
  let client = clients.get(key);
  if (!client) {
    client = new CciClient({ endpoint, auth });
    if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value!);
    clients.set(key, client);
  }
  return client;
}
