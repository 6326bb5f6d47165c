/**
 * Any Kubernetes with Volcano (CCE, self-managed): every credential kind over real TLS against the
 * emulator in HTTPS mode — a bearer token, a client certificate, a kubeconfig from Secrets Manager
 * (aws-sdk-client-mock) and kubeconfig data — for GET, PATCH (labels and replicas), list and a
 * sweep; then what must fail, and how: a wrong CA or server name (502 naming the TLS error, one
 * handshake, no retry), refused certificates and tokens (502 saying what to do), kubeconfigs that
 * cannot work inside a function (a configuration error before any call). Every log line and every
 * answer is checked for the secrets.
 */
import { readFileSync } from 'node:fs';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { startEmulator, SEED_JOB_OPENMPI_HELLO_2, type Emulator, type Job } from '../../emulator';
import { kubeconfigText, type KubeconfigInput } from '../../emulator/kubeconfig';
import { tlsMaterial } from '../../emulator/tls';
import type { SweepReport } from '../../lib/sweep/run';
import { CLEAN_ENV, setEnv } from '../support/env';
import { callHttp, captureLogs, coldHandler, contextFor } from '../support/harness';
import { SEED_NS, TEST_SECRET, type Answer } from '../support/http-events';

const SA_TOKEN = 'sa-token-7f3e2b9c1d';
const OTHER_CA = readFileSync(join(__dirname, '../../emulator/fixtures/tls/other-ca.pem'), 'utf8');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

let emu: Emulator;
let logs: ReturnType<typeof captureLogs>;
const sm = mockClient(SecretsManagerClient);
/** Values no log line or answer may hold. */
let secrets: string[];

beforeAll(async () => {
  emu = await startEmulator({ port: 0, tls: true, bearerTokens: [SA_TOKEN] });
  const key = emu.clientCert('valid').key;
  // The token, a line from the middle of the private key, and the kubeconfig forms that hold them.
  const keyLine = key.split('\n').find((l, i) => i > 2 && l.length > 40)!;
  secrets = [SA_TOKEN, keyLine, b64(key), b64(SA_TOKEN)];
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  sm.reset();
  emu.clearFaults();
  const seed = structuredClone(SEED_JOB_OPENMPI_HELLO_2) as Job;
  delete seed.metadata.labels;
  emu.putJob(SEED_NS, seed);
  emu.resetStats();
  setEnv({ ...CLEAN_ENV, ALLOWED_NAMESPACES: '*', WEBHOOK_SECRET: TEST_SECRET, SWEEP_NAMESPACES: SEED_NS, SWEEP_STUCK_AFTER: '1h' });
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  for (const line of logs.lines) for (const s of secrets) expect(line).not.toContain(s);
});

function kubeconfig(o: Partial<KubeconfigInput> = {}, yaml = false): string {
  const text = kubeconfigText({ server: emu.url, caPem: emu.caCert!, namespace: SEED_NS, ...o });
  return yaml ? toYaml(JSON.parse(text)) : text;
}

function kubeconfigWith(edit: (c: Record<string, any>) => void): string {
  const c = JSON.parse(kubeconfig({ token: SA_TOKEN }));
  edit(c);
  return toYaml(c);
}

function secretHolds(text: string, id = 'kube/config') {
  sm.on(GetSecretValueCommand, { SecretId: id }).resolves({ SecretString: text });
  return { KUBECONFIG_SECRET: id };
}

function noSecrets(res: Answer) {
  for (const s of secrets) expect(res.body).not.toContain(s);
}

const get = async () => {
  const res = await callHttp(await coldHandler('getJob'), 'aws', 'getJob', { name: 'openmpi-hello-2-com' });
  noSecrets(res);
  return res;
};

const cciRequests = () => emu.requests().filter((r) => r.service === 'cci');

interface Mode {
  env: () => Record<string, string>;
  auth: 'bearer' | 'cert';
}

const MODES: Record<string, Mode> = {
  'a bearer token (KUBE_TOKEN, KUBE_CA_CERT as PEM)': {
    env: () => ({ CCI_ENDPOINT: emu.url, KUBE_TOKEN: SA_TOKEN, KUBE_CA_CERT: emu.caCert! }),
    auth: 'bearer',
  },
  'a client certificate (KUBE_CLIENT_CERT/KEY and KUBE_CA_CERT as base64 of PEM)': {
    env: () => {
      const c = emu.clientCert('valid');
      return { CCI_ENDPOINT: emu.url, KUBE_CLIENT_CERT: b64(c.cert), KUBE_CLIENT_KEY: b64(c.key), KUBE_CA_CERT: b64(emu.caCert!) };
    },
    auth: 'cert',
  },
  'a YAML kubeconfig from Secrets Manager (server from the kubeconfig)': {
    env: () => secretHolds(kubeconfig({ token: SA_TOKEN }, true)),
    auth: 'bearer',
  },
  'kubeconfig data (base64 of JSON, client certificate)': {
    env: () => {
      const c = emu.clientCert('valid');
      return { KUBECONFIG_DATA: b64(kubeconfig({ clientCertificatePem: c.cert, clientKeyPem: c.key })) };
    },
    auth: 'cert',
  },
};

describe.each(Object.entries(MODES))('with %s', (_, mode) => {
  beforeEach(() => setEnv(mode.env()));

  it('GET answers the job over TLS, authenticated as configured', async () => {
    const res = await get();
    expect(res.statusCode).toBe(200);
    expect(res.json.metadata.name).toBe('openmpi-hello-2-com');
    expect(cciRequests().map((r) => r.auth)).toEqual([mode.auth]);
    if (mode.auth === 'cert') expect(cciRequests()[0]!.user).toBe('emulator-user');
  });

  it('PATCH changes labels and replicas', async () => {
    const body = JSON.stringify({ labels: { team: 'ml' }, replicas: { mpiworker: 4 } });
    const res = await callHttp(await coldHandler('patchJob'), 'functiongraph', 'patchJob', { name: 'openmpi-hello-2-com', body });
    noSecrets(res);
    expect(res.statusCode).toBe(200);
    expect(res.json.metadata.labels).toMatchObject({ team: 'ml' });
    expect(res.json.spec.tasks.find((t: { name: string }) => t.name === 'mpiworker').replicas).toBe(4);
    const stored = emu.getJob(SEED_NS, 'openmpi-hello-2-com')!;
    expect(stored.metadata.labels).toMatchObject({ team: 'ml' });
    expect(cciRequests().every((r) => r.auth === mode.auth)).toBe(true);
  });

  it('lists jobs page by page', async () => {
    const { cciClientFor } = await import('../../lib/cci/setup');
    const { invocationFrom } = await import('../../lib/platform/invocation');
    const inv = invocationFrom(contextFor('aws'));
    const client = cciClientFor(inv);
    const first = await client.listJobs(SEED_NS, { limit: 1 }, inv.deadline);
    expect(first.items).toHaveLength(1);
    expect(first.metadata?.continue).toBeTruthy();
    const second = await client.listJobs(SEED_NS, { limit: 1, continue: first.metadata!.continue! }, inv.deadline);
    expect(second.items).toHaveLength(1);
    expect(second.items[0]!.metadata.name).not.toBe(first.items[0]!.metadata.name);
    expect(cciRequests().map((r) => r.auth)).toEqual([mode.auth, mode.auth]);
  });

  it('a sweep lists and reports the namespace', async () => {
    const report = (await (await coldHandler('sweepJobs'))(
      JSON.parse(readFileSync(join(__dirname, '../../events/aws/sweepJobs.json'), 'utf8')),
      contextFor('aws', 30_000),
    )) as SweepReport;
    expect(report.complete).toBe(true);
    expect(report.failures).toBeUndefined();
    expect(report.jobs).toBeGreaterThanOrEqual(2);
    expect(cciRequests().length).toBeGreaterThan(0);
    expect(cciRequests().every((r) => r.auth === mode.auth)).toBe(true);
  });
});

describe('the kubeconfig in Secrets Manager', () => {
  it('is read once per instance, and again after the API server refused its token (rotation)', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'kube/rotating' })
      .resolvesOnce({ SecretString: kubeconfig({ token: 'revoked-token-0000' }) })
      .resolves({ SecretString: kubeconfig({ token: SA_TOKEN }) });
    setEnv({ KUBECONFIG_SECRET: 'kube/rotating' });
    const handler = await coldHandler('getJob');
    const call = () => callHttp(handler, 'aws', 'getJob', { name: 'openmpi-hello-2-com' });
    const refused = await call();
    expect(refused.statusCode).toBe(502);
    expect(refused.json.detail).toMatch(/not ours to refresh/);
    expect(refused.body).not.toContain('revoked-token-0000');
    expect((await call()).statusCode).toBe(200);
    expect((await call()).statusCode).toBe(200);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('a kubeconfig with an exec plugin is a configuration error before any call', async () => {
    setEnv(secretHolds(kubeconfigWith((c) => (c.users[0].user = { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'cce-auth' } }))));
    const res = await get();
    expect(res.statusCode).toBe(500);
    expect(res.json.type).toMatch(/config/);
    expect(res.json.detail).toMatch(/exec is refused: a plugin cannot run inside a function; use a service-account token/);
    expect(emu.requests()).toEqual([]);
  });
});

describe('TLS failures are 502s naming the TLS error, never retried', () => {
  it('a CA that did not sign the server certificate: UNABLE_TO_VERIFY_LEAF_SIGNATURE', async () => {
    setEnv({ CCI_ENDPOINT: emu.url, KUBE_TOKEN: SA_TOKEN, KUBE_CA_CERT: OTHER_CA });
    const res = await get();
    expect(res.statusCode).toBe(502);
    expect(res.json.type).toMatch(/tls-failed/);
    expect(res.json.detail).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    expect(emu.requests()).toEqual([]);
  });

  it('no CA at all (the system store does not know the test CA)', async () => {
    setEnv({ CCI_ENDPOINT: emu.url, KUBE_TOKEN: SA_TOKEN });
    const res = await get();
    expect(res.statusCode).toBe(502);
    expect(res.json.detail).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/);
  });

  it('tls-server-name is what the certificate is checked against: localhost verifies, another name does not', async () => {
    setEnv({ KUBECONFIG_DATA: kubeconfigWith((c) => (c.clusters[0].cluster['tls-server-name'] = 'localhost')) });
    expect((await get()).statusCode).toBe(200);
    setEnv({ KUBECONFIG_DATA: kubeconfigWith((c) => (c.clusters[0].cluster['tls-server-name'] = 'api.example.com')) });
    const res = await get();
    expect(res.statusCode).toBe(502);
    expect(res.json.detail).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it('one handshake only: a certificate that does not verify is not a transient failure', async () => {
    const { server } = tlsMaterial();
    let handshakes = 0;
    const srv: TlsServer = createTlsServer({ key: server.key, cert: server.cert }, (s) => s.destroy());
    srv.on('connection', () => handshakes++);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      setEnv({ CCI_ENDPOINT: `https://127.0.0.1:${(srv.address() as AddressInfo).port}`, KUBE_TOKEN: SA_TOKEN, KUBE_CA_CERT: OTHER_CA });
      const res = await get();
      expect(res.statusCode).toBe(502);
      expect(handshakes).toBe(1);
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });

  it('a client key that does not match its certificate: 502 naming the OpenSSL error, no PEM bytes', async () => {
    const c = emu.clientCert('valid');
    setEnv({ CCI_ENDPOINT: emu.url, KUBE_CLIENT_CERT: c.cert, KUBE_CLIENT_KEY: emu.clientCert('unknown-ca').key, KUBE_CA_CERT: emu.caCert! });
    const res = await get();
    expect(res.statusCode).toBe(502);
    expect(res.json.detail).toMatch(/ERR_OSSL_X509_KEY_VALUES_MISMATCH/);
    expect(res.body).not.toContain('PRIVATE KEY');
  });
});

describe('refused credentials are 502s that say what to do', () => {
  it.each(['expired', 'unknown-ca'] as const)('a %s client certificate', async (kind) => {
    const c = emu.clientCert(kind);
    setEnv({ CCI_ENDPOINT: emu.url, KUBE_CLIENT_CERT: c.cert, KUBE_CLIENT_KEY: c.key, KUBE_CA_CERT: emu.caCert! });
    const res = await get();
    expect(res.statusCode).toBe(502);
    expect(res.json.type).toMatch(/cci-credentials-refused/);
    expect(res.json.detail).toMatch(/client certificate was refused/);
    expect(res.body).not.toContain(c.key.split('\n')[1]!);
    // Not ours to refresh: one request, no second try.
    expect(cciRequests()).toHaveLength(1);
  });

  it('a bad bearer token: not ours to refresh', async () => {
    setEnv({ CCI_ENDPOINT: emu.url, KUBE_TOKEN: 'wrong-token-5a5a5a', KUBE_CA_CERT: emu.caCert! });
    const res = await get();
    expect(res.statusCode).toBe(502);
    expect(res.json.detail).toMatch(/bearer token is not ours to refresh/);
    expect(res.body).not.toContain('wrong-token-5a5a5a');
    expect(cciRequests()).toHaveLength(1);
  });

  it('a 403 is the contract 502 as for CCI', async () => {
    const seed = structuredClone(SEED_JOB_OPENMPI_HELLO_2) as Job;
    seed.metadata.namespace = 'kube-forbidden';
    emu.putJob('kube-forbidden', seed);
    emu.forbidNamespace('kube-forbidden');
    setEnv({ CCI_ENDPOINT: emu.url, KUBE_TOKEN: SA_TOKEN, KUBE_CA_CERT: emu.caCert! });
    const res = await callHttp(await coldHandler('getJob'), 'aws', 'getJob', { namespace: 'kube-forbidden', name: 'openmpi-hello-2-com' });
    noSecrets(res);
    expect(res.statusCode).toBe(502);
    expect(res.json.type).toMatch(/cci-forbidden/);
  });
});

describe('kubeconfigs that cannot work inside a function: configuration errors before any call', () => {
  const cases: Record<string, [(c: Record<string, any>) => void, RegExp]> = {
    'an exec plugin': [(c) => (c.users[0].user = { exec: { command: 'aws', args: ['eks', 'get-token'] } }), /exec is refused: a plugin cannot run .*service-account token/],
    'an auth-provider': [(c) => (c.users[0].user = { 'auth-provider': { name: 'oidc', config: {} } }), /auth-provider is refused: a plugin cannot run/],
    'insecure-skip-tls-verify': [(c) => (c.clusters[0].cluster['insecure-skip-tls-verify'] = true), /insecure-skip-tls-verify is refused: TLS checks stay on/],
    'a CA file path': [(c) => (c.clusters[0].cluster['certificate-authority'] = '/etc/kubernetes/ca.crt'), /certificate-authority is refused: .*use certificate-authority-data/],
    'a client key file path': [(c) => (c.users[0].user = { 'client-certificate-data': 'x', 'client-key': '/home/me/key.pem' }), /client-key is refused: .*use client-key-data/],
    'a token file': [(c) => (c.users[0].user = { tokenFile: '/var/run/secrets/token' }), /tokenFile is refused: .*use token/],
    'a user with neither token nor certificate': [(c) => (c.users[0].user = { username: 'admin', password: 'pw-not-shown' }), /neither a token nor client-certificate-data/],
    'a current-context that names no context': [(c) => (c['current-context'] = 'elsewhere'), /no context "elsewhere" in contexts/],
    'a context whose user is missing': [(c) => (c.contexts[0].context.user = 'ghost'), /no user "ghost" in users/],
  };
  it.each(Object.entries(cases))('%s (KUBECONFIG_DATA)', async (_, [edit, message]) => {
    setEnv({ KUBECONFIG_DATA: kubeconfigWith(edit) });
    const res = await get();
    expect(res.statusCode).toBe(500);
    expect(res.json.detail).toMatch(message);
    expect(res.body).not.toContain('pw-not-shown');
    expect(emu.requests()).toEqual([]);
  });

  it('text that is not a kubeconfig: no byte of it in the answer', async () => {
    setEnv({ KUBECONFIG_DATA: `token: ${SA_TOKEN}\n  bad: [indent` });
    const res = await get();
    expect(res.statusCode).toBe(500);
    expect(res.json.detail).toMatch(/kubeconfig: /);
    expect(emu.requests()).toEqual([]);
  });

  it('a secret that is not there: 502 from Secrets Manager, no call to the API server', async () => {
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('no such secret'), { name: 'ResourceNotFoundException' }));
    setEnv({ KUBECONFIG_SECRET: 'kube/missing' });
    const res = await get();
    expect(res.statusCode).toBe(502);
    expect(res.json.detail).toMatch(/ResourceNotFoundException/);
    expect(emu.requests()).toEqual([]);
  });
});

describe('precedence as pinned, seen by the API server', () => {
  // (IAM itself is not reached here: the emulator's IAM is behind the test CA, which only the API server
  // calls trust; test/lib/credentials/precedence.test.ts covers the whole order.)
  it('CCI_TOKEN beats KUBE_TOKEN; KUBE_TOKEN beats a kubeconfig and IAM; a kubeconfig beats IAM', async () => {
    const iam = { IAM_ENDPOINT: emu.url, IAM_DOMAIN: 'demo-domain', IAM_USER: 'demo-user', IAM_PASSWORD: 'demo-password', IAM_PROJECT: 'cn-north-4' };
    const c = emu.clientCert('valid');
    const data = b64(kubeconfig({ clientCertificatePem: c.cert, clientKeyPem: c.key }));
    setEnv({ ...iam, CCI_ENDPOINT: emu.url, KUBE_CA_CERT: emu.caCert!, KUBECONFIG_DATA: data, KUBE_TOKEN: SA_TOKEN, CCI_TOKEN: 'local-dev-token' });
    expect((await get()).statusCode).toBe(200);
    setEnv({ CCI_TOKEN: undefined });
    expect((await get()).statusCode).toBe(200);
    setEnv({ KUBE_TOKEN: undefined });
    expect((await get()).statusCode).toBe(200);
    expect(cciRequests().map((r) => r.auth)).toEqual(['static', 'bearer', 'cert']);
    expect(emu.stats().iamTokenRequests).toBe(0);
  });
});
