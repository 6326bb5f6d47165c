/**
 * Kubeconfig parsing: YAML, JSON and base64 of either; the current context's cluster and user;
 * PEM or base64 `-data` fields; what is refused and why; the yaml package loaded only for YAML.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { clientCertificate, tlsMaterial } from '../../../emulator/tls';
import { parseKubeconfig } from '../../../lib/credentials/kubeconfig';

const cert = clientCertificate('valid');
const ca = tlsMaterial().serverCa;
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A kubeconfig with two contexts: the current one is `prod`. */
function config(user: Record<string, unknown> = { token: 'prod-token' }, cluster: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'prod',
    clusters: [
      { name: 'dev', cluster: { server: 'https://dev.example:6443' } },
      { name: 'prod-cluster', cluster: { server: 'https://10.0.0.1:5443', 'certificate-authority-data': b64(ca), 'tls-server-name': 'kubernetes', ...cluster } },
    ],
    users: [
      { name: 'dev-user', user: { token: 'dev-token' } },
      { name: 'prod-user', user },
    ],
    contexts: [
      { name: 'dev', context: { cluster: 'dev', user: 'dev-user' } },
      { name: 'prod', context: { cluster: 'prod-cluster', user: 'prod-user', namespace: 'jobs' } },
    ],
  };
}

describe('parseKubeconfig', () => {
  it('takes the current context: server, CA, TLS server name and token', () => {
    expect(parseKubeconfig(toYaml(config()))).toEqual({
      server: 'https://10.0.0.1:5443',
      servername: 'kubernetes',
      ca,
      token: 'prod-token',
      cert: undefined,
      key: undefined,
    });
  });

  it('reads YAML, JSON, and base64 of either, alike', () => {
    const c = config({ 'client-certificate-data': b64(cert.cert), 'client-key-data': b64(cert.key) });
    const forms = [toYaml(c), JSON.stringify(c), JSON.stringify(c, null, 2), b64(toYaml(c)), b64(JSON.stringify(c))];
    const parsed = forms.map(parseKubeconfig);
    for (const p of parsed) expect(p).toEqual(parsed[0]);
    expect(parsed[0]).toMatchObject({ cert: cert.cert, key: cert.key, token: undefined });
  });

  it('accepts PEM in -data fields as well as base64 of it', () => {
    expect(parseKubeconfig(JSON.stringify(config({ 'client-certificate-data': cert.cert, 'client-key-data': cert.key })))).toMatchObject({ cert: cert.cert, key: cert.key });
  });

  it('a cluster without CA or server name leaves them to the system store and the URL', () => {
    const c = config();
    c.clusters[1]!.cluster = { server: 'https://k8s.example' };
    expect(parseKubeconfig(JSON.stringify(c))).toMatchObject({ server: 'https://k8s.example', ca: undefined, servername: undefined });
  });

  it('insecure-skip-tls-verify: false is harmless', () => {
    expect(parseKubeconfig(toYaml(config(undefined, { 'insecure-skip-tls-verify': false })))).toMatchObject({ token: 'prod-token' });
  });

  it.each([
    ['exec', { exec: { command: 'hcloud', args: ['cce', 'token'] } }, /exec is refused: a plugin cannot run inside a function; use a service-account token/],
    ['auth-provider', { 'auth-provider': { name: 'gcp' } }, /auth-provider is refused: a plugin/],
    ['a token file', { tokenFile: '/t' }, /tokenFile is refused: a file means nothing inside a function; use token$/],
    ['a certificate file', { 'client-certificate': '/c', 'client-key-data': b64(cert.key) }, /client-certificate is refused: .*use client-certificate-data$/],
    ['basic auth', { username: 'a', password: 'secret-pw' }, /neither a token nor client-certificate-data and client-key-data/],
    ['a certificate without its key', { 'client-certificate-data': b64(cert.cert) }, /neither a token nor/],
    ['a -data field that is no PEM', { 'client-certificate-data': b64('hello'), 'client-key-data': b64(cert.key) }, /client-certificate-data is neither PEM nor base64 of PEM/],
  ])('refuses a user with %s', (_, user, message) => {
    expect(() => parseKubeconfig(toYaml(config(user)))).toThrow(message);
    try {
      parseKubeconfig(toYaml(config(user)));
    } catch (err) {
      expect(String(err)).not.toContain('secret-pw');
      expect((err as { status: number }).status).toBe(500);
    }
  });

  it.each([
    ['insecure-skip-tls-verify', { 'insecure-skip-tls-verify': true }, /insecure-skip-tls-verify is refused: TLS checks stay on/],
    ['a CA file', { 'certificate-authority': '/etc/ca.pem' }, /certificate-authority is refused: .*use certificate-authority-data$/],
  ])('refuses a cluster with %s', (_, cluster, message) => {
    expect(() => parseKubeconfig(toYaml(config(undefined, cluster)))).toThrow(message);
  });

  it.each([
    ['no current-context', (c: Record<string, any>) => delete c['current-context'], /no context "" in contexts/],
    ['a missing cluster', (c: Record<string, any>) => (c.contexts[1].context.cluster = 'gone'), /no cluster "gone" in clusters/],
    ['a users list that is not a list', (c: Record<string, any>) => (c.users = { 'prod-user': {} }), /no user "prod-user" in users/],
    ['an entry named __proto__', (c: Record<string, any>) => (c.contexts[1].context.user = '__proto__'), /no user "__proto__" in users/],
  ])('refuses %s', (_, edit, message) => {
    const c = config();
    edit(c);
    expect(() => parseKubeconfig(JSON.stringify(c))).toThrow(message);
  });

  it.each([['[1, 2]'], ['"just a string"'], ['key: [unclosed'], ['{"unterminated": ']])('text that is no kubeconfig map: %s', (text) => {
    expect(() => parseKubeconfig(text)).toThrow(/^kubeconfig: (neither YAML nor JSON|not a map|no context)/);
  });

  it('a JSON kubeconfig does not load the yaml package', async () => {
    // A fresh copy of the module in a child process: the registry of this one already holds yaml (the test imports it).
    const { execFileSync } = await import('node:child_process');
    const script = `
      const { parseKubeconfig } = require('./lib/credentials/kubeconfig.ts');
      parseKubeconfig(process.argv[1]);
      const loaded = Object.keys(require.cache).some((k) => k.includes('/node_modules/yaml/'));
      process.stdout.write(String(loaded));`;
    const run = (text: string) =>
      execFileSync(process.execPath, ['--import', 'tsx', '-e', script, text], { cwd: `${__dirname}/../../..`, encoding: 'utf8' });
    expect(run(JSON.stringify(config()))).toBe('false');
    expect(run(toYaml(config()))).toBe('true');
    expect(createRequire(__filename).resolve('yaml')).toContain('node_modules/yaml');
  }, 30_000);
});
