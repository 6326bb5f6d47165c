/**
 * Which credentials authenticate requests to the Volcano Job API. Each kind is an authenticator
 * in a precedence list (the way @kubernetes/client-node registers its authenticators): the first
 * whose configuration is present builds the `CciAuth`. Precedence, first match wins:
 * CCI_ACCESS_KEY+CCI_SECRET_KEY; CCI_TOKEN; KUBE_TOKEN or KUBE_CLIENT_CERT+KUBE_CLIENT_KEY; a
 * kubeconfig (KUBECONFIG_SECRET, else KUBECONFIG_DATA); IAM password credentials (env, or
 * IAM_CREDENTIALS_SECRET); the context's temporary keys; the context's agency token.
 * A kubeconfig in Secrets Manager is known only after it is read: that authenticator gives a
 * function of the deadline instead of the credential itself.
 */
import type { Deadline } from '../core/deadline';
import type { Runtime } from '../core/runtime';
import { akSkAuth } from './aksk';
import { DEFAULT_IAM_ENDPOINT, iamPasswordSource } from './iam';
import { iamSecretSource } from './iam-secret';
import { iamTokenAuth } from './iam-token';
import { configError, kubeAuth, pem } from './kube';
import { kubeconfigDataAuth, kubeconfigSecretAuth } from './kubeconfig';
import type { CciAuth } from './port';
import { staticTokenAuth } from './static-token';

export type { CciAuth, CredentialKind, SignableRequest } from './port';
export { configError, pem } from './kube';

/** A credential, or how to get one within a deadline. */
export type Credential = CciAuth | ((deadline: Deadline) => Promise<CciAuth>);

export interface Authenticator {
  /** For errors and docs: the variables that select it. */
  name: string;
  /** The credential, or undefined when this kind is not configured. Throws on half a configuration. */
  create(rt: Runtime): Credential | undefined;
  /** A Kubernetes credential: good for an API server, meaningless to Huawei's other services (SMN). */
  kube?: true;
}

const IAM_VARS = ['IAM_DOMAIN', 'IAM_USER', 'IAM_PASSWORD', 'IAM_PROJECT'] as const;

/** Both of a pair, or neither (undefined); one alone is a configuration error. */
function pair(a: string, b: string, env: Runtime['env']): [string, string] | undefined {
  const x = env(a);
  const y = env(b);
  if (!x !== !y) throw configError(`${a} and ${b} must be set together`);
  return x && y ? [x, y] : undefined;
}

export const AUTHENTICATORS: readonly Authenticator[] = [
  {
    name: 'CCI_ACCESS_KEY/CCI_SECRET_KEY',
    create: ({ env }) => {
      const keys = pair('CCI_ACCESS_KEY', 'CCI_SECRET_KEY', env);
      return keys && akSkAuth({ accessKey: keys[0], secretKey: keys[1], securityToken: env('CCI_SECURITY_TOKEN'), projectId: env('CCI_PROJECT_ID') });
    },
  },
  {
    name: 'CCI_TOKEN',
    create: ({ env }) => {
      const token = env('CCI_TOKEN');
      return token ? staticTokenAuth(token) : undefined;
    },
  },
  {
    name: 'KUBE_TOKEN or KUBE_CLIENT_CERT/KUBE_CLIENT_KEY',
    kube: true,
    create: ({ env }) => {
      const token = env('KUBE_TOKEN');
      const cert = pair('KUBE_CLIENT_CERT', 'KUBE_CLIENT_KEY', env);
      return token || cert ? kubeAuth({ token, cert: pem('KUBE_CLIENT_CERT', cert?.[0]), key: pem('KUBE_CLIENT_KEY', cert?.[1]) }) : undefined;
    },
  },
  {
    name: 'KUBECONFIG_SECRET or KUBECONFIG_DATA',
    kube: true,
    create: ({ env }) => {
      const secretId = env('KUBECONFIG_SECRET');
      const data = env('KUBECONFIG_DATA');
      return secretId ? kubeconfigSecretAuth(secretId) : data ? kubeconfigDataAuth(data) : undefined;
    },
  },
  {
    name: `${IAM_VARS.join('/')} or IAM_CREDENTIALS_SECRET`,
    create: ({ env }) => {
      const iamEndpoint = env('IAM_ENDPOINT') ?? DEFAULT_IAM_ENDPOINT;
      const secretId = env('IAM_CREDENTIALS_SECRET');
      const [domain, user, password, project] = IAM_VARS.map((k) => env(k));
      if (secretId || !(domain || user || password || project)) return secretId ? iamTokenAuth(iamSecretSource(iamEndpoint, secretId)) : undefined;
      if (!domain || !user || !password || !project) {
        throw configError(`IAM password credentials are incomplete: ${IAM_VARS.filter((k) => !env(k)).join(', ')} not set`);
      }
      return iamTokenAuth(iamPasswordSource(iamEndpoint, { domain, user, password, project }));
    },
  },
  {
    name: 'a FunctionGraph agency (temporary keys)',
    create: ({ env, contextCredentials: c }) =>
      c?.accessKey && c.secretKey
        ? akSkAuth({ accessKey: c.accessKey, secretKey: c.secretKey, securityToken: c.securityToken, projectId: env('CCI_PROJECT_ID') ?? c.projectId })
        : undefined,
  },
  {
    name: 'a FunctionGraph agency (token)',
    create: ({ contextCredentials: c }) => (c?.agencyToken ? staticTokenAuth(c.agencyToken, 'agency-token') : undefined),
  },
];

export function resolveCciAuth(rt: Runtime): Credential {
  for (const a of AUTHENTICATORS) {
    const auth = a.create(rt);
    if (auth) return auth;
  }
  throw configError(`No CCI credentials configured: set one of ${AUTHENTICATORS.map((a) => a.name).join('; ')}`);
}

/**
 * Credentials for Huawei Cloud's own APIs (SMN), in the same precedence but without the Kubernetes
 * kinds: a cluster's token or certificate means nothing to SMN.
 */
export function resolveHuaweiAuth(rt: Runtime): CciAuth {
  for (const a of AUTHENTICATORS) {
    if (a.kube) continue;
    const auth = a.create(rt);
    if (auth && typeof auth !== 'function') return auth;
  }
  throw configError(
    `SWEEP_EVENTS_SMN_TOPIC_URN needs Huawei credentials, which Kubernetes credentials are not: set one of ${AUTHENTICATORS.filter((a) => !a.kube)
      .map((a) => a.name)
      .join('; ')}`,
  );
}
