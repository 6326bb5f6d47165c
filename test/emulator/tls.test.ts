/**
 * HTTPS mode (emulator/tls.ts): the fixture server certificate verifies against `caCert` for
 * 127.0.0.1 and localhost, client certificates from the client CA authenticate as their CN, expired
 * or foreign ones are refused with the 401 Status, and bearer-only tokens work as KUBE_TOKEN would.
 */
import https from 'node:https';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../emulator/index';
import { kubeconfigText } from '../../emulator/kubeconfig';
import { JOB3, NS } from './support';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, tls: true, bearerTokens: ['sa-token-1', 'sa-token-2'] });
});
afterAll(async () => {
  await emu.close();
});

interface Reply {
  status: number;
  json: { kind?: string; reason?: string; code?: number; metadata?: { name?: string } };
}

function get(
  path: string,
  o: { headers?: Record<string, string>; ca?: string | null; cert?: { cert: string; key: string }; servername?: string } = {},
): Promise<Reply> {
  const url = new URL(path, emu.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: 'GET',
        headers: o.headers ?? {},
        ca: o.ca === null ? undefined : (o.ca ?? emu.caCert),
        cert: o.cert?.cert,
        key: o.cert?.key,
        servername: o.servername,
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Reply['json'] }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const JOB_PATH = `/apis/batch.volcano.sh/v1alpha1/namespaces/${NS}/jobs/${JOB3}`;

describe('HTTPS', () => {
  it('serves https with a certificate that verifies against caCert, for 127.0.0.1 and localhost', async () => {
    expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.caCert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const r = await get(JOB_PATH, { headers: { 'X-Auth-Token': 'local-dev-token' } });
    expect(r.status).toBe(200);
    expect(r.json.metadata?.name).toBe(JOB3);
    expect((await get(JOB_PATH, { headers: { 'X-Auth-Token': 'local-dev-token' }, servername: 'localhost' })).status).toBe(200);
  });

  it('is refused by a client that does not trust the CA', async () => {
    await expect(get(JOB_PATH, { headers: { 'X-Auth-Token': 'local-dev-token' }, ca: null })).rejects.toThrow(/certificate/i);
  });

  it('a plain HTTP emulator has no CA', async () => {
    const plain = await startEmulator({ port: 0 });
    try {
      expect(plain.caCert).toBeUndefined();
      expect(plain.url).toMatch(/^http:\/\//);
    } finally {
      await plain.close();
    }
  });
});

describe('client certificates', () => {
  it('a certificate from the client CA authenticates as its CN, without a token', async () => {
    emu.resetStats();
    const r = await get(JOB_PATH, { cert: emu.clientCert('valid') });
    expect(r.status).toBe(200);
    const rec = emu.requests().at(-1)!;
    expect(rec.auth).toBe('cert');
    expect(rec.user).toBe('emulator-user');
    // kube-apiserver's union authenticator tries x509 first: a trusted certificate wins over a bad token.
    expect((await get(JOB_PATH, { cert: emu.clientCert('valid'), headers: { Authorization: 'Bearer wrong' } })).status).toBe(200);
  });

  it('an expired certificate or one from an unknown CA is the 401 Status', async () => {
    for (const kind of ['expired', 'unknown-ca'] as const) {
      const r = await get(JOB_PATH, { cert: emu.clientCert(kind) });
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    }
  });

  it('no certificate and no token is 401', async () => {
    expect((await get(JOB_PATH)).status).toBe(401);
  });

  it('client-node with a kubeconfig carrying the CA and the client certificate', async () => {
    const { cert, key } = emu.clientCert('valid');
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfigText({ server: emu.url, caPem: emu.caCert!, clientCertificatePem: cert, clientKeyPem: key }));
    const job = (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: 'batch.volcano.sh',
      version: 'v1alpha1',
      namespace: NS,
      plural: 'jobs',
      name: JOB3,
    })) as { metadata: { name: string } };
    expect(job.metadata.name).toBe(JOB3);
    expect(emu.requests().at(-1)!.auth).toBe('cert');
  });
});

describe('bearer-only tokens', () => {
  it('accepts the configured bearer tokens as Authorization: Bearer only; a wrong one is the 401 Status', async () => {
    const ok = await get(JOB_PATH, { headers: { Authorization: 'Bearer sa-token-2' } });
    expect(ok.status).toBe(200);
    expect(emu.requests().at(-1)!.auth).toBe('bearer');
    expect((await get(JOB_PATH, { headers: { 'X-Auth-Token': 'sa-token-2' } })).status).toBe(401);
    const wrong = await get(JOB_PATH, { headers: { Authorization: 'Bearer sa-token-3' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    // the default list is replaced, not extended
    expect((await get(JOB_PATH, { headers: { Authorization: 'Bearer local-kube-token' } })).status).toBe(401);
  });

  it('the default bearer token is local-kube-token', async () => {
    const plain = await startEmulator({ port: 0 });
    try {
      const r = await fetch(`${plain.url}${JOB_PATH}`, { headers: { Authorization: 'Bearer local-kube-token' } });
      expect(r.status).toBe(200);
    } finally {
      await plain.close();
    }
  });
});

describe('HTTPS beside HTTP (tlsPort), as npm start runs it for kubectl', () => {
  let both: Emulator;
  beforeAll(async () => {
    both = await startEmulator({ port: 0, tlsPort: 0 });
  });
  afterAll(() => both.close());

  it('one store behind both listeners: a label set over HTTPS with a kubeconfig is read over HTTP', async () => {
    expect(both.url).toMatch(/^http:\/\//);
    expect(both.tlsUrl).toMatch(/^https:\/\//);
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfigText({ server: both.tlsUrl!, caPem: both.caCert!, token: 'local-kube-token', namespace: NS }));
    const api = kc.makeApiClient(CustomObjectsApi);
    const job = (await api.getNamespacedCustomObject({ group: 'batch.volcano.sh', version: 'v1alpha1', namespace: NS, plural: 'jobs', name: JOB3 })) as {
      metadata: { name: string };
    };
    expect(job.metadata.name).toBe(JOB3);
    const body = JSON.stringify({ metadata: { labels: { via: 'https' } } });
    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request(
        `${both.tlsUrl}/apis/batch.volcano.sh/v1alpha1/namespaces/${NS}/jobs/${JOB3}`,
        { method: 'PATCH', ca: both.caCert, headers: { authorization: 'Bearer local-kube-token', 'content-type': 'application/merge-patch+json' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(200);
    const plain = await fetch(`${both.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${NS}/jobs/${JOB3}`, { headers: { authorization: 'Bearer local-kube-token' } });
    expect(((await plain.json()) as { metadata: { labels: Record<string, string> } }).metadata.labels).toMatchObject({ via: 'https' });
  });
});
