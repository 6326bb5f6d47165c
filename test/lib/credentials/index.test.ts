/**
 * The precedence list: which credential kind an invocation gets, the configuration errors for
 * half a configuration, and fingerprints that change with any part of a credential; the whole pinned
 * order with the Kubernetes kinds (KUBE_TOKEN or KUBE_CLIENT_CERT+KEY, then a kubeconfig, before IAM).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../lib/core/deadline';
import type { ContextCredentials, Runtime } from '../../../lib/core/runtime';
import { AUTHENTICATORS, resolveCciAuth as resolveCredential, resolveHuaweiAuth, type CciAuth, type Credential } from '../../../lib/credentials';
import { akSkAuth } from '../../../lib/credentials/aksk';
import { clearTokenCache } from '../../../lib/credentials/token-cache';
import { kubeconfigText } from '../../../emulator/kubeconfig';
import { clientCertificate } from '../../../emulator/tls';

afterEach(() => clearTokenCache());

const rt = (env: Record<string, string>, contextCredentials?: ContextCredentials): Runtime => ({
  requestId: 'r',
  deadline: Deadline.after(1_000),
  env: (k) => env[k],
  ...(contextCredentials ? { contextCredentials } : {}),
});

/** The credential itself (every kind but a kubeconfig in Secrets Manager resolves without a call). */
function resolveCciAuth(r: Runtime): CciAuth {
  const c = resolveCredential(r);
  if (typeof c === 'function') throw new Error('expected a credential, got a deferred one');
  return c;
}

const AKSK = { CCI_ACCESS_KEY: 'AK', CCI_SECRET_KEY: 'SK' };
const TOKEN = { CCI_TOKEN: 'static-token' };
const IAM = { IAM_DOMAIN: 'd', IAM_USER: 'u', IAM_PASSWORD: 'iam-pass-secret', IAM_PROJECT: 'cn-north-4' };
const SECRET = { IAM_CREDENTIALS_SECRET: 'cci/creds' };
const CONTEXT_KEYS: ContextCredentials = { accessKey: 'TAK', secretKey: 'TSK', securityToken: 'ST', projectId: 'ctx-project' };
const AGENCY: ContextCredentials = { agencyToken: 'agency' };

const configError = (fn: () => unknown): Error & { status: number; code: string } => {
  try {
    fn();
  } catch (e) {
    return e as Error & { status: number; code: string };
  }
  throw new Error('expected a configuration error');
};

describe('precedence (first configured wins)', () => {
  it('is AK/SK, CCI_TOKEN, Kubernetes credentials, a kubeconfig, IAM password, the context\'s keys, the context\'s agency token', () => {
    expect(AUTHENTICATORS.map((a) => a.name)).toEqual([
      'CCI_ACCESS_KEY/CCI_SECRET_KEY',
      'CCI_TOKEN',
      'KUBE_TOKEN or KUBE_CLIENT_CERT/KUBE_CLIENT_KEY',
      'KUBECONFIG_SECRET or KUBECONFIG_DATA',
      'IAM_DOMAIN/IAM_USER/IAM_PASSWORD/IAM_PROJECT or IAM_CREDENTIALS_SECRET',
      'a FunctionGraph agency (temporary keys)',
      'a FunctionGraph agency (token)',
    ]);
    const ctx = { ...CONTEXT_KEYS, ...AGENCY };
    const all = resolveCciAuth(rt({ ...AKSK, ...TOKEN, ...IAM }, ctx));
    expect(all.kind).toBe('aksk');
    expect(all.fingerprint).toBe(akSkAuth({ accessKey: 'AK', secretKey: 'SK' }).fingerprint);
    expect(resolveCciAuth(rt({ ...TOKEN, ...IAM }, ctx)).kind).toBe('static-token');
    expect(resolveCciAuth(rt({ ...IAM }, ctx)).fingerprint).toMatch(/^iam:/);
    expect(resolveCciAuth(rt({ ...SECRET }, ctx)).fingerprint).toMatch(/^iam-secret:/);
    const keys = resolveCciAuth(rt({}, ctx));
    expect(keys.kind).toBe('aksk');
    expect(keys.fingerprint).toBe(akSkAuth({ accessKey: 'TAK', secretKey: 'TSK', securityToken: 'ST', projectId: 'ctx-project' }).fingerprint);
    expect(resolveCciAuth(rt({}, AGENCY)).kind).toBe('agency-token');
  });

  it('the secret wins over IAM variables given beside it (no half-configuration error)', () => {
    expect(resolveCciAuth(rt({ ...SECRET, IAM_DOMAIN: 'd' })).fingerprint).toMatch(/^iam-secret:/);
  });

  it('IAM_ENDPOINT defaults to the public IAM endpoint', () => {
    expect(resolveCciAuth(rt(IAM)).fingerprint).toContain('iam:https://iam.myhuaweicloud.com|');
    expect(resolveCciAuth(rt({ ...IAM, IAM_ENDPOINT: 'http://local' })).fingerprint).toContain('iam:http://local|');
  });

  it('CCI_PROJECT_ID beats the context\'s project for the context\'s keys', () => {
    const withEnv = resolveCciAuth(rt({ CCI_PROJECT_ID: 'env-project' }, CONTEXT_KEYS));
    expect(withEnv.fingerprint).toBe(akSkAuth({ accessKey: 'TAK', secretKey: 'TSK', securityToken: 'ST', projectId: 'env-project' }).fingerprint);
  });

  it('context keys without a secret key are not a credential: the agency token serves', () => {
    expect(resolveCciAuth(rt({}, { accessKey: 'TAK', ...AGENCY })).kind).toBe('agency-token');
  });

  it('the chosen credential authenticates as its kind says', async () => {
    const req = { method: 'GET', url: 'http://cci.local/x', headers: { accept: 'application/json' } };
    const d = Deadline.after(1_000);
    expect(await resolveCciAuth(rt(TOKEN)).authorize(req, d)).toEqual({ accept: 'application/json', 'x-auth-token': 'static-token' });
    expect(await resolveCciAuth(rt({}, AGENCY)).authorize(req, d)).toEqual({ accept: 'application/json', 'x-auth-token': 'agency' });
    const signed = await resolveCciAuth(rt({ ...AKSK, CCI_SECURITY_TOKEN: 'st', CCI_PROJECT_ID: 'pid' })).authorize(req, d);
    expect(signed.Authorization).toMatch(/^SDK-HMAC-SHA256 Access=AK, SignedHeaders=accept;host;x-project-id;x-sdk-date;x-security-token, Signature=[0-9a-f]{64}$/);
    expect(signed).toMatchObject({ 'X-Security-Token': 'st', 'X-Project-Id': 'pid' });
  });
});

describe('half configurations are configuration errors (500 config)', () => {
  it.each([
    [{ CCI_ACCESS_KEY: 'AK' }, /CCI_ACCESS_KEY and CCI_SECRET_KEY must be set together/],
    [{ CCI_SECRET_KEY: 'SK', ...TOKEN }, /CCI_ACCESS_KEY and CCI_SECRET_KEY must be set together/],
    [{ IAM_DOMAIN: 'd' }, /IAM password credentials are incomplete: IAM_USER, IAM_PASSWORD, IAM_PROJECT not set/],
    [{ IAM_DOMAIN: 'd', IAM_USER: 'u', IAM_PASSWORD: 'p' }, /incomplete: IAM_PROJECT not set$/],
  ])('%j', (env, message) => {
    const e = configError(() => resolveCciAuth(rt(env as Record<string, string>)));
    expect(e).toMatchObject({ status: 500, code: 'config' });
    expect(e.message).toMatch(message);
  });

  it('a half configuration is an error even when a later kind is complete (no silent fallback)', () => {
    expect(configError(() => resolveCciAuth(rt({ CCI_ACCESS_KEY: 'AK' }, AGENCY))).code).toBe('config');
    expect(configError(() => resolveCciAuth(rt({ IAM_USER: 'u' }, CONTEXT_KEYS))).code).toBe('config');
  });

  it('nothing configured names every kind, and no value', () => {
    const e = configError(() => resolveCciAuth(rt({ CCI_PROJECT_ID: 'secret-looking-project' })));
    expect(e.message).toMatch(/^No CCI credentials configured: set one of /);
    for (const a of AUTHENTICATORS) expect(e.message).toContain(a.name);
    expect(e.message).not.toContain('secret-looking-project');
  });
});

describe('fingerprints', () => {
  it('differ when any part of a credential differs, and never contain a secret', () => {
    const variants: Array<[Record<string, string>, ContextCredentials?]> = [
      [AKSK],
      [{ ...AKSK, CCI_ACCESS_KEY: 'AK2' }],
      [{ ...AKSK, CCI_SECRET_KEY: 'SK2' }],
      [{ ...AKSK, CCI_SECURITY_TOKEN: 'st' }],
      [{ ...AKSK, CCI_SECURITY_TOKEN: 'st2' }],
      [{ ...AKSK, CCI_PROJECT_ID: 'p' }],
      [TOKEN],
      [{ CCI_TOKEN: 'static-token-2' }],
      [IAM],
      [{ ...IAM, IAM_PASSWORD: 'iam-pass-secret-2' }],
      [{ ...IAM, IAM_USER: 'u2' }],
      [{ ...IAM, IAM_DOMAIN: 'd2' }],
      [{ ...IAM, IAM_PROJECT: 'x' }],
      [{ ...IAM, IAM_ENDPOINT: 'http://other' }],
      [SECRET],
      [{ IAM_CREDENTIALS_SECRET: 'cci/other' }],
      [{}, CONTEXT_KEYS],
      [{}, { ...CONTEXT_KEYS, securityToken: 'ST2' }],
      [{}, { ...CONTEXT_KEYS, secretKey: 'TSK2' }],
      [{}, AGENCY],
      [{}, { agencyToken: 'agency-2' }],
      // The same string as a static token and as an agency token: different kinds.
      [{ CCI_TOKEN: 'agency' }],
    ];
    const prints = variants.map(([env, ctx]) => resolveCciAuth(rt(env, ctx)).fingerprint);
    expect(new Set(prints).size).toBe(variants.length);
    for (const p of prints) {
      const body = p.slice(p.indexOf(':') + 1);
      for (const secret of ['SK', 'TSK', 'ST', 'static-token', 'agency', 'iam-pass-secret']) expect(body).not.toContain(secret);
    }
  });

  it('are stable: the same configuration twice gives the same fingerprint', () => {
    expect(resolveCciAuth(rt(AKSK)).fingerprint).toBe(resolveCciAuth(rt({ ...AKSK })).fingerprint);
    expect(resolveCciAuth(rt({}, CONTEXT_KEYS)).fingerprint).toBe(resolveCciAuth(rt({}, { ...CONTEXT_KEYS })).fingerprint);
  });
});

const cert = clientCertificate('valid');

function runtime(vars: Record<string, string>, ctx?: ContextCredentials): Runtime {
  return { requestId: 't', deadline: Deadline.after(1000), env: (k) => vars[k] || undefined, ...(ctx ? { contextCredentials: ctx } : {}) };
}

const kindOf = (c: Credential) => (typeof c === 'function' ? 'kubeconfig-secret' : c.kind);

describe('precedence with Kubernetes credentials (the whole pinned order)', () => {
  it('follows the pinned order', () => {
    const vars: Record<string, string> = {
      CCI_ACCESS_KEY: 'AK',
      CCI_SECRET_KEY: 'SK',
      CCI_TOKEN: 'cci-token',
      KUBE_TOKEN: 'kube-token',
      KUBE_CLIENT_CERT: cert.cert,
      KUBE_CLIENT_KEY: cert.key,
      KUBECONFIG_SECRET: 'kube/config',
      KUBECONFIG_DATA: kubeconfigText({ server: 'https://k8s.example:6443', token: 'kc-token' }).replace('"insecure-skip-tls-verify": true', '"x": 1'),
      IAM_DOMAIN: 'd',
      IAM_USER: 'u',
      IAM_PASSWORD: 'p',
      IAM_PROJECT: 'cn-north-4',
      IAM_CREDENTIALS_SECRET: 'iam/creds',
    };
    const ctx: ContextCredentials = { accessKey: 'TAK', secretKey: 'TSK', securityToken: 'st', agencyToken: 'agency' };
    const order: Array<[string, string[]]> = [
      ['aksk', ['CCI_ACCESS_KEY', 'CCI_SECRET_KEY']],
      ['static-token', ['CCI_TOKEN']],
      ['bearer-token', ['KUBE_TOKEN']],
      ['client-certificate', ['KUBE_CLIENT_CERT', 'KUBE_CLIENT_KEY']],
      ['kubeconfig-secret', ['KUBECONFIG_SECRET']],
      ['bearer-token', ['KUBECONFIG_DATA']],
      ['iam-token', ['IAM_CREDENTIALS_SECRET']],
      ['iam-token', ['IAM_DOMAIN', 'IAM_USER', 'IAM_PASSWORD', 'IAM_PROJECT']],
    ];
    for (const [kind, remove] of order) {
      expect(kindOf(resolveCredential(runtime(vars, ctx)))).toBe(kind);
      for (const k of remove) delete vars[k];
    }
    // The context's temporary keys, then its agency token.
    expect(kindOf(resolveCredential(runtime(vars, ctx)))).toBe('aksk');
    expect(kindOf(resolveCredential(runtime(vars, { agencyToken: 'agency' })))).toBe('agency-token');
    expect(() => resolveCredential(runtime(vars))).toThrow(/No CCI credentials configured: .*KUBE_TOKEN or KUBE_CLIENT_CERT\/KUBE_CLIENT_KEY; KUBECONFIG_SECRET or KUBECONFIG_DATA; IAM_/);
  });

  it('the kubeconfig names the kind: a client certificate when its user has no token', () => {
    const data = kubeconfigText({ server: 'https://k8s.example:6443', clientCertificatePem: cert.cert, clientKeyPem: cert.key });
    const auth = resolveCredential(runtime({ KUBECONFIG_DATA: data.replace('"insecure-skip-tls-verify": true', '"x": 1') }));
    expect(kindOf(auth)).toBe('client-certificate');
    expect(typeof auth !== 'function' && auth.server).toBe('https://k8s.example:6443');
  });

  it('KUBE_TOKEN with a client certificate sends both (kind: bearer token)', async () => {
    const auth = resolveCredential(runtime({ KUBE_TOKEN: 'tok', KUBE_CLIENT_CERT: cert.cert, KUBE_CLIENT_KEY: cert.key }));
    if (typeof auth === 'function') throw new Error('expected a credential');
    expect(auth.kind).toBe('bearer-token');
    expect(auth.tls?.cert).toBe(cert.cert);
    expect(await auth.authorize({ method: 'GET', url: 'https://x', headers: { accept: 'a' } }, Deadline.after(100))).toEqual({ accept: 'a', authorization: 'Bearer tok' });
  });

  it.each([
    [{ KUBE_CLIENT_CERT: cert.cert }, /KUBE_CLIENT_CERT and KUBE_CLIENT_KEY must be set together/],
    [{ KUBE_CLIENT_KEY: cert.key, KUBE_TOKEN: 't' }, /KUBE_CLIENT_CERT and KUBE_CLIENT_KEY must be set together/],
    [{ CCI_SECRET_KEY: 'sk' }, /CCI_ACCESS_KEY and CCI_SECRET_KEY must be set together/],
    [{ KUBE_CLIENT_CERT: 'not a certificate', KUBE_CLIENT_KEY: cert.key }, /KUBE_CLIENT_CERT is neither PEM nor base64 of PEM/],
    [{ KUBE_TOKEN: 'two words' }, /bearer token has bytes a header cannot carry/],
    [{ IAM_USER: 'u', IAM_PASSWORD: 'p' }, /IAM password credentials are incomplete: IAM_DOMAIN, IAM_PROJECT not set/],
  ])('half a configuration is an error: %o', (vars, message) => {
    expect(() => resolveCredential(runtime(vars))).toThrow(message);
  });

  it('fingerprints differ with the token and the certificate, and hold neither', () => {
    const fp = (vars: Record<string, string>) => {
      const a = resolveCredential(runtime(vars));
      if (typeof a === 'function') throw new Error('expected a credential');
      return a.fingerprint;
    };
    const a = fp({ KUBE_TOKEN: 'token-a' });
    expect(a).not.toBe(fp({ KUBE_TOKEN: 'token-b' }));
    expect(a).not.toContain('token-a');
    expect(fp({ KUBE_TOKEN: ' token-a\n' })).toBe(a);
    const other = clientCertificate('expired');
    expect(fp({ KUBE_CLIENT_CERT: cert.cert, KUBE_CLIENT_KEY: cert.key })).not.toBe(fp({ KUBE_CLIENT_CERT: other.cert, KUBE_CLIENT_KEY: other.key }));
  });
});

describe('Huawei credentials for SMN (resolveHuaweiAuth)', () => {
  it('skips Kubernetes credentials and takes the next Huawei kind in the same order', () => {
    expect(resolveHuaweiAuth(rt({ KUBE_TOKEN: 'kube', CCI_TOKEN: 'cci' })).kind).toBe('static-token');
    expect(resolveHuaweiAuth(rt({ KUBE_TOKEN: 'kube' }, { agencyToken: 'agency' })).kind).toBe('agency-token');
    expect(resolveHuaweiAuth(rt({ CCI_ACCESS_KEY: 'ak', CCI_SECRET_KEY: 'sk', KUBE_TOKEN: 'kube' })).kind).toBe('aksk');
  });

  it('with only Kubernetes credentials: a configuration error naming what SMN needs', () => {
    let err: unknown;
    try {
      resolveHuaweiAuth(rt({ KUBE_TOKEN: 'kube-secret-token' }));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ status: 500, code: 'config' });
    expect((err as Error).message).toMatch(/SWEEP_EVENTS_SMN_TOPIC_URN needs Huawei credentials/);
    expect((err as Error).message).not.toMatch(/kube-secret-token/);
  });
});
