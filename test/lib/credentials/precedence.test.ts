/**
 * The contract's credential precedence, first match wins: CCI_ACCESS_KEY+CCI_SECRET_KEY; CCI_TOKEN;
 * KUBE_TOKEN or KUBE_CLIENT_CERT+KUBE_CLIENT_KEY; a kubeconfig (KUBECONFIG_SECRET or KUBECONFIG_DATA);
 * IAM password credentials (env or IAM_CREDENTIALS_SECRET); the context's temporary keys; the
 * context's agency token. Each step removes the winner and checks who wins next; half a pair is an error.
 */
import { describe, expect, it } from 'vitest';
import { Deadline } from '../../../lib/core/deadline';
import type { ContextCredentials, Runtime } from '../../../lib/core/runtime';
import { resolveCciAuth, type Credential } from '../../../lib/credentials';
import { clientCertificate } from '../../../emulator/tls';
import { kubeconfigText } from '../../../emulator/kubeconfig';

const cert = clientCertificate('valid');

function runtime(vars: Record<string, string>, ctx?: ContextCredentials): Runtime {
  return { requestId: 't', deadline: Deadline.after(1000), env: (k) => vars[k] || undefined, ...(ctx ? { contextCredentials: ctx } : {}) };
}

const kindOf = (c: Credential) => (typeof c === 'function' ? 'kubeconfig-secret' : c.kind);

describe('credential precedence', () => {
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
      expect(kindOf(resolveCciAuth(runtime(vars, ctx)))).toBe(kind);
      for (const k of remove) delete vars[k];
    }
    // The context's temporary keys, then its agency token.
    expect(kindOf(resolveCciAuth(runtime(vars, ctx)))).toBe('aksk');
    expect(kindOf(resolveCciAuth(runtime(vars, { agencyToken: 'agency' })))).toBe('agency-token');
    expect(() => resolveCciAuth(runtime(vars))).toThrow(/No CCI credentials configured: .*KUBE_TOKEN or KUBE_CLIENT_CERT\/KUBE_CLIENT_KEY; KUBECONFIG_SECRET or KUBECONFIG_DATA; IAM_/);
  });

  it('the kubeconfig names the kind: a client certificate when its user has no token', () => {
    const data = kubeconfigText({ server: 'https://k8s.example:6443', clientCertificatePem: cert.cert, clientKeyPem: cert.key });
    const auth = resolveCciAuth(runtime({ KUBECONFIG_DATA: data.replace('"insecure-skip-tls-verify": true', '"x": 1') }));
    expect(kindOf(auth)).toBe('client-certificate');
    expect(typeof auth !== 'function' && auth.server).toBe('https://k8s.example:6443');
  });

  it('KUBE_TOKEN with a client certificate sends both (kind: bearer token)', async () => {
    const auth = resolveCciAuth(runtime({ KUBE_TOKEN: 'tok', KUBE_CLIENT_CERT: cert.cert, KUBE_CLIENT_KEY: cert.key }));
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
    expect(() => resolveCciAuth(runtime(vars))).toThrow(message);
  });

  it('fingerprints differ with the token and the certificate, and hold neither', () => {
    const fp = (vars: Record<string, string>) => {
      const a = resolveCciAuth(runtime(vars));
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
