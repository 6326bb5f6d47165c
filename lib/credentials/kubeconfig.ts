/**
 * A kubeconfig handed over whole: `KUBECONFIG_DATA` (plain or base64; FunctionGraph's encrypted
 * user data) or the SecretString of the Secrets Manager secret `KUBECONFIG_SECRET` (read once per
 * instance, read again after a 401: rotation). The current context's cluster gives the server, CA
 * and TLS server name; its user a token and/or a client certificate and key.
 * Only what a function can use is accepted, the rest refused with the reason and what to use instead:
 * `-data` fields only (a file path means nothing inside a function); no exec or auth-provider plugin
 * (they run programs and ask other services for tokens); TLS checks stay on.
 * YAML is parsed by the `yaml` package, required only here and only for YAML (JSON needs none);
 * errors name fields and entries, never a byte of the file.
 */
import { cachedSecret, forgetSecret } from '../aws/secrets-manager';
import type { Deadline } from '../core/deadline';
import { isJsonObject, type JsonObject } from '../core/json';
import { configError, kubeAuth, pem, type KubeUser } from './kube';
import type { CciAuth } from './port';

const bad = (why: string) => configError(`kubeconfig: ${why}`);

/** Entry `name` of the list `contexts` / `clusters` / `users`: its `context` / `cluster` / `user`. */
function entry(config: JsonObject, list: string, name: unknown): JsonObject {
  const items = config[list];
  const field = list.slice(0, -1);
  const value = (Array.isArray(items) ? items.find((i) => isJsonObject(i) && i.name === name) : undefined)?.[field];
  if (!isJsonObject(value)) throw bad(`no ${field} "${String(name ?? '')}" in ${list}`);
  return value;
}

/** Fields a function cannot use; the value false (or null) is harmless. */
const REFUSED = /^(exec|auth-provider|insecure-skip-tls-verify|certificate-authority|client-certificate|client-key|tokenFile)$/;

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export function parseKubeconfig(data: string): KubeUser {
  const plain = /^[A-Za-z0-9+/=\s]+$/.test(data) ? Buffer.from(data, 'base64').toString('utf8') : data;
  let config: unknown;
  try {
    config = /^\s*\{/.test(plain) ? JSON.parse(plain) : (require('yaml') as typeof import('yaml')).parse(plain);
  } catch {
    // Not the parser's message: it quotes the text around the error.
    throw bad('neither YAML nor JSON');
  }
  if (!isJsonObject(config)) throw bad('not a map');
  const context = entry(config, 'contexts', config['current-context']);
  const cluster = entry(config, 'clusters', context.cluster);
  const user = entry(config, 'users', context.user);
  for (const [k, v] of Object.entries({ ...cluster, ...user })) {
    if (!REFUSED.test(k) || v === false || v === null) continue;
    throw bad(
      `${k} is refused: ${
        k[1] === 'x' || k[0] === 'a'
          ? 'a plugin cannot run inside a function; use a service-account token (kubectl create token)'
          : k[0] === 'i'
            ? 'TLS checks stay on; give certificate-authority-data or KUBE_CA_CERT'
            : `a file means nothing inside a function; use ${k === 'tokenFile' ? 'token' : `${k}-data`}`
      }`,
    );
  }
  const u: KubeUser = {
    server: str(cluster.server),
    servername: str(cluster['tls-server-name']),
    ca: pem('certificate-authority-data', cluster['certificate-authority-data']),
    token: str(user.token),
    cert: pem('client-certificate-data', user['client-certificate-data']),
    key: pem('client-key-data', user['client-key-data']),
  };
  if (!u.token && !(u.cert && u.key)) throw bad('the user has neither a token nor client-certificate-data and client-key-data');
  return u;
}

let last: [string, CciAuth] | undefined;

/** `KUBECONFIG_DATA`: parsed once per value (warm invocations skip the YAML). */
export function kubeconfigDataAuth(data: string): CciAuth {
  if (last?.[0] !== data) last = [data, kubeAuth(parseKubeconfig(data))];
  return last[1];
}

/** `KUBECONFIG_SECRET`: known only once the secret is read, within the invocation's deadline. */
export const kubeconfigSecretAuth =
  (secretId: string) =>
  async (deadline: Deadline): Promise<CciAuth> => ({
    ...kubeAuth(await cachedSecret('kubeconfig', secretId, deadline, parseKubeconfig)),
    unauthorized: () => (forgetSecret('kubeconfig', secretId), false),
  });
