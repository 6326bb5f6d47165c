/**
 * How requests to CCI are authenticated. Precedence (first match wins):
 * CCI_ACCESS_KEY+CCI_SECRET_KEY; CCI_TOKEN; IAM password credentials (env, or IAM_CREDENTIALS_SECRET);
 * the FunctionGraph context's temporary keys; the context's agency token.
 */
import { signRequest, type AkSkCredentials } from './aksk-signer';
import { AppError } from '../core/errors';
import type { Deadline } from '../core/deadline';
import { DEFAULT_IAM_ENDPOINT, iamPasswordSource } from './iam';
import { iamSecretSource } from './iam-secret';
import type { Invocation } from '../platform/invocation';
import { dropToken, getToken, type TokenSource } from './token-cache';

export interface SignableCciRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface CciAuth {
  /** Describes the credential kind for logs (never the credential). */
  readonly kind: 'aksk' | 'static-token' | 'iam-token' | 'agency-token';
  /** Identity used to cache clients; holds no secret. */
  readonly fingerprint: string;
  /** Headers to add (or the full signed header set for AK/SK). */
  authorize(req: SignableCciRequest, deadline: Deadline): Promise<Record<string, string>>;
  /**
   * Called after CCI answered 401 to a request made with `headers`. Returns true when a retry
   * with fresh credentials may succeed (a cached token was dropped).
   */
  unauthorized(headers: Record<string, string>): boolean;
}

function akSkAuth(creds: AkSkCredentials, origin: string): CciAuth {
  return {
    kind: 'aksk',
    fingerprint: `aksk:${origin}:${creds.accessKey}`,
    authorize: async (req) => signRequest({ method: req.method, url: req.url, headers: req.headers, body: req.body ?? '' }, creds),
    unauthorized: () => false,
  };
}

function staticTokenAuth(token: string): CciAuth {
  return {
    kind: 'static-token',
    fingerprint: 'static-token',
    authorize: async (req) => ({ ...req.headers, 'x-auth-token': token }),
    unauthorized: () => false,
  };
}

function cachedTokenAuth(kind: 'iam-token' | 'agency-token', source: TokenSource): CciAuth {
  return {
    kind,
    fingerprint: source.key,
    authorize: async (req, deadline) => ({ ...req.headers, 'x-auth-token': await getToken(source, deadline) }),
    unauthorized: (headers) => {
      const used = headers['x-auth-token'];
      if (used) dropToken(source.key, used);
      return true;
    },
  };
}

const AGENCY_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

function callContext<T>(fn: (() => T) | undefined): T | undefined {
  if (!fn) return undefined;
  try {
    const v = fn();
    return v === '' || v === null ? undefined : v;
  } catch {
    return undefined;
  }
}

export function resolveCciAuth(inv: Invocation): CciAuth {
  const env = inv.env;
  const ak = env('CCI_ACCESS_KEY');
  const sk = env('CCI_SECRET_KEY');
  if (ak || sk) {
    if (!ak || !sk) throw new AppError(500, 'config', 'CCI_ACCESS_KEY and CCI_SECRET_KEY must be set together');
    const creds: AkSkCredentials = { accessKey: ak, secretKey: sk };
    const st = env('CCI_SECURITY_TOKEN');
    const project = env('CCI_PROJECT_ID');
    if (st) creds.securityToken = st;
    if (project) creds.projectId = project;
    return akSkAuth(creds, 'env');
  }
  const token = env('CCI_TOKEN');
  if (token) return staticTokenAuth(token);

  const iamEndpoint = env('IAM_ENDPOINT') ?? DEFAULT_IAM_ENDPOINT;
  const secretId = env('IAM_CREDENTIALS_SECRET');
  const iamVars = ['IAM_DOMAIN', 'IAM_USER', 'IAM_PASSWORD', 'IAM_PROJECT'] as const;
  const present = iamVars.filter((k) => env(k) !== undefined);
  if (present.length > 0 && !secretId) {
    const missing = iamVars.filter((k) => env(k) === undefined);
    if (missing.length > 0) {
      throw new AppError(500, 'config', `IAM password credentials are incomplete: ${missing.join(', ')} not set`);
    }
    return cachedTokenAuth(
      'iam-token',
      iamPasswordSource(iamEndpoint, {
        domain: env('IAM_DOMAIN')!,
        user: env('IAM_USER')!,
        password: env('IAM_PASSWORD')!,
        project: env('IAM_PROJECT')!,
      }),
    );
  }
  if (secretId) return cachedTokenAuth('iam-token', iamSecretSource(iamEndpoint, secretId));

  const fg = inv.functionGraph;
  if (fg) {
    const tak = callContext(fg.getSecurityAccessKey?.bind(fg));
    const tsk = callContext(fg.getSecuritySecretKey?.bind(fg));
    if (tak && tsk) {
      const creds: AkSkCredentials = { accessKey: tak, secretKey: tsk };
      const st = callContext(fg.getSecurityToken?.bind(fg));
      const project = env('CCI_PROJECT_ID') ?? callContext(fg.getProjectID?.bind(fg));
      if (st) creds.securityToken = st;
      if (project) creds.projectId = project;
      return akSkAuth(creds, 'functiongraph');
    }
    const agency = callContext(fg.getToken?.bind(fg));
    if (agency) {
      const fnName = callContext(fg.getFunctionName?.bind(fg)) ?? 'function';
      return cachedTokenAuth('agency-token', {
        key: `agency:${fnName}`,
        // The context hands over the current agency token; the cache treats it like an IAM token.
        fetch: async () => {
          const fresh = callContext(fg.getToken?.bind(fg)) ?? agency;
          return { token: fresh, expiresAt: Date.now() + AGENCY_TOKEN_LIFETIME_MS };
        },
      });
    }
  }
  throw new AppError(
    500,
    'config',
    'No CCI credentials configured: set CCI_ACCESS_KEY/CCI_SECRET_KEY, CCI_TOKEN, IAM_DOMAIN/IAM_USER/IAM_PASSWORD/IAM_PROJECT or IAM_CREDENTIALS_SECRET (or give the FunctionGraph function an agency)',
  );
}
