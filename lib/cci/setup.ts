/**
 * Builds the CCI client for an invocation from its configuration. Clients are kept per endpoint
 * and credential identity in module scope, so warm invocations reuse them (and their tokens).
 */
import { AppError } from '../core/errors';
import { resolveCciAuth } from '../credentials';
import { CciClient } from './client';
import type { Invocation } from '../platform/invocation';

const clients = new Map<string, CciClient>();

export function cciClientFor(inv: Invocation): CciClient {
  const endpoint = inv.env('CCI_ENDPOINT');
  if (!endpoint) throw new AppError(500, 'config', 'CCI_ENDPOINT is not set');
  const auth = resolveCciAuth(inv);
  const key = `${endpoint}|${auth.fingerprint}`;
  let client = clients.get(key);
  if (!client) {
    client = new CciClient({ endpoint, auth });
    clients.set(key, client);
  }
  return client;
}
