/**
 * Builds the Volcano Job API client for an invocation from its configuration. Clients are kept
 * per endpoint, credential fingerprint and TLS settings in module scope, so warm invocations reuse
 * them (and their tokens and sockets); a rotated credential has another fingerprint and gets its
 * own client. The map is bounded: credentials that rotate every invocation cannot grow it without end.
 * The server is `CCI_ENDPOINT`, else the kubeconfig's; `KUBE_CA_CERT` is trusted for it whatever
 * the credential (it replaces a kubeconfig's CA). A kubeconfig in Secrets Manager is read on the
 * first call (within that call's deadline), so the client is built then.
 */
import type { Deadline } from '../core/deadline';
import { keptPerKey } from '../core/lazy';
import type { Runtime } from '../core/runtime';
import { configError, pem, resolveCciAuth, type CciAuth } from '../credentials';
import { fingerprint } from '../credentials/fingerprint';
import { CciClient } from './client';
import type { JobApi, PatchContentType, PatchOptions } from './port';

const MAX_CLIENTS = 16;
const clients = keptPerKey<string, CciClient>(MAX_CLIENTS);

export function cciClientFor(rt: Runtime): JobApi {
  const auth = resolveCciAuth(rt);
  if (typeof auth !== 'function') return clientFor(rt, auth);
  let client: Promise<JobApi> | undefined;
  const connect = (d: Deadline) => (client ??= auth(d).then((a) => clientFor(rt, a)));
  return {
    getJob: async (ns, name, d) => (await connect(d)).getJob(ns, name, d),
    // One body for both overloads: the options (discardAnswer included) pass through as given.
    patchJob: (async (ns: string, name: string, type: PatchContentType, patch: string, opts: PatchOptions, d: Deadline) =>
      (await connect(d)).patchJob(ns, name, type, patch, opts, d)) as JobApi['patchJob'],
    listJobs: async (ns, opts, d) => (await connect(d)).listJobs(ns, opts, d),
    readJobList: async (ns, opts, d, read) => (await connect(d)).readJobList(ns, opts, d, read),
    getPodGroup: async (ns, name, d) => (await connect(d)).getPodGroup(ns, name, d),
  };
}

function clientFor(rt: Runtime, auth: CciAuth): JobApi {
  const endpoint = rt.env('CCI_ENDPOINT') ?? auth.server;
  if (!endpoint) throw configError('CCI_ENDPOINT is not set');
  const t = { ...auth.tls, ca: pem('KUBE_CA_CERT', rt.env('KUBE_CA_CERT')) ?? auth.tls?.ca };
  const tls = { ...t, id: fingerprint('tls', t.ca, t.cert, t.key, t.servername) };
  const key = `${endpoint}|${auth.fingerprint}|${tls.id}`;
  return clients(key, () => new CciClient({ endpoint, auth, tls }));
}
