/**
 * Which credentials authenticate requests to the Volcano Job API. Each kind is an authenticator
 * in a precedence list (the way @kubernetes/client-node registers its authenticators): the first
 * whose configuration is present builds the `CciAuth`. Precedence, first match wins:
 * CCI_ACCESS_KEY+CCI_SECRET_KEY; CCI_TOKEN; IAM password credentials (env, or
 * IAM_CREDENTIALS_SECRET); the context's temporary keys; the context's agency token.
 */
import { AppError } from '../core/errors';
import type { Runtime } from '../core/runtime';
import type { AkSkCredentials } from './aksk-signer';
import { akSkAuth } from './aksk';
import { DEFAULT_IAM_ENDPOINT, iamPasswordSource } from './iam';
import { iamSecretSource } from './iam-secret';
import { iamTokenAuth } from './iam-token';
import type { CciAuth } from './port';
import { staticTokenAuth } from './static-token';

export type { CciAuth, CredentialKind, SignableRequest } from './port';

export interface Authenticator {
  /** For errors and docs: the variables that select it. */
  name: string;
  /** The credential, or undefined when this kind is not configured. Throws on half a configuration. */
  create(rt: Runtime): CciAuth | undefined;
}

const IAM_VARS = ['IAM_DOMAIN', 'IAM_USER', 'IAM_PASSWORD', 'IAM_PROJECT'] as const;

const configError = (detail: string) => new AppError(500, 'config', detail);

export const AUTHENTICATORS: readonly Authenticator[] = [
  {
    name: 'CCI_ACCESS_KEY/CCI_SECRET_KEY',
    create: ({ env }) => {
      const ak = env('CCI_ACCESS_KEY');
      const sk = env('CCI_SECRET_KEY');
      if (!ak && !sk) return undefined;
      if (!ak || !sk) throw configError('CCI_ACCESS_KEY and CCI_SECRET_KEY must be set together');
      const creds: AkSkCredentials = { accessKey: ak, secretKey: sk };
      const st = env('CCI_SECURITY_TOKEN');
      const project = env('CCI_PROJECT_ID');
      if (st) creds.securityToken = st;
      if (project) creds.projectId = project;
      return akSkAuth(creds);
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
    name: 'IAM_DOMAIN/IAM_USER/IAM_PASSWORD/IAM_PROJECT or IAM_CREDENTIALS_SECRET',
    create: ({ env }) => {
      const iamEndpoint = env('IAM_ENDPOINT') ?? DEFAULT_IAM_ENDPOINT;
      const secretId = env('IAM_CREDENTIALS_SECRET');
      const present = IAM_VARS.filter((k) => env(k) !== undefined);
      if (present.length > 0 && !secretId) {
        const missing = IAM_VARS.filter((k) => env(k) === undefined);
        if (missing.length > 0) throw configError(`IAM password credentials are incomplete: ${missing.join(', ')} not set`);
        return iamTokenAuth(
          iamPasswordSource(iamEndpoint, { domain: env('IAM_DOMAIN')!, user: env('IAM_USER')!, password: env('IAM_PASSWORD')!, project: env('IAM_PROJECT')! }),
        );
      }
      return secretId ? iamTokenAuth(iamSecretSource(iamEndpoint, secretId)) : undefined;
    },
  },
  {
    name: 'a FunctionGraph agency (temporary keys)',
    create: ({ env, contextCredentials: c }) => {
      if (!c?.accessKey || !c.secretKey) return undefined;
      const creds: AkSkCredentials = { accessKey: c.accessKey, secretKey: c.secretKey };
      const project = env('CCI_PROJECT_ID') ?? c.projectId;
      if (c.securityToken) creds.securityToken = c.securityToken;
      if (project) creds.projectId = project;
      return akSkAuth(creds);
    },
  },
  {
    name: 'a FunctionGraph agency (token)',
    create: ({ contextCredentials: c }) => (c?.agencyToken ? staticTokenAuth(c.agencyToken, 'agency-token') : undefined),
  },
];

export function resolveCciAuth(rt: Runtime): CciAuth {
  for (const a of AUTHENTICATORS) {
    const auth = a.create(rt);
    if (auth) return auth;
  }
  throw configError(`No CCI credentials configured: set one of ${AUTHENTICATORS.map((a) => a.name).join('; ')}`);
}
