/**
 * The emulator as a Kubernetes endpoint for real client libraries (emulator/kubeconfig.ts): the
 * kubeconfig `npm start` writes, loaded by @kubernetes/client-node, and CustomObjectsApi get, paged
 * and filtered list, merge and JSON patches and dryRun over real HTTP with a bearer token.
 */
import { tempDir } from '../support/tmp';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ApiException, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STATIC_TOKENS } from '../../emulator/index';
import { kubeconfigText, writeKubeconfig } from '../../emulator/kubeconfig';
import { JOB, JOB3, NS, useEmulator } from './support';

const t = useEmulator();
const JOBS = { group: 'batch.volcano.sh', version: 'v1alpha1', plural: 'jobs' } as const;

interface JobLike {
  metadata: { name: string; resourceVersion: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { tasks: Array<{ name: string; replicas: number }> };
}
interface JobListLike {
  items: JobLike[];
  metadata: { continue?: string; remainingItemCount?: number };
}

function client(token = DEFAULT_STATIC_TOKENS[0]!): CustomObjectsApi {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigText({ server: t.emu.url, token, namespace: NS }));
  return kc.makeApiClient(CustomObjectsApi);
}

describe('kubeconfig for the local stack', () => {
  it('writes a 0600 file that client-node loads, pointing at the emulator with its token and namespace', () => {
    const dir = tempDir('kubeconfig-');
    const path = writeKubeconfig(join(dir, '.local', 'kubeconfig'), { server: t.emu.url, token: 'local-dev-token', namespace: NS });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const kc = new KubeConfig();
    kc.loadFromString(readFileSync(path, 'utf8'));
    expect(kc.getCurrentContext()).toBe('local-emulator');
    expect(kc.getCurrentCluster()?.server).toBe(t.emu.url);
    // client-node refuses http:// without it; kubectl ignores it for http.
    expect(kc.getCurrentCluster()?.skipTLSVerify).toBe(true);
    expect(kc.getCurrentUser()?.token).toBe('local-dev-token');
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe(NS);
  });

  it('carries a CA and a client certificate as base64 data', () => {
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfigText({ server: 'https://127.0.0.1:1', caPem: 'CA PEM', clientCertificatePem: 'CERT', clientKeyPem: 'KEY' }));
    expect(kc.getCurrentCluster()?.skipTLSVerify).toBe(false);
    expect(Buffer.from(kc.getCurrentCluster()!.caData!, 'base64').toString()).toBe('CA PEM');
    expect(Buffer.from(kc.getCurrentUser()!.certData!, 'base64').toString()).toBe('CERT');
    expect(Buffer.from(kc.getCurrentUser()!.keyData!, 'base64').toString()).toBe('KEY');
  });
});

describe('@kubernetes/client-node CustomObjectsApi against the emulator', () => {
  beforeAll(() => {
    t.emu.createJobs('cn-ns', 12, { prefix: 'blue', labels: { color: 'blue' } });
    t.emu.createJobs('cn-ns', 5, { prefix: 'red', labels: { color: 'red' } });
  });

  it('gets a job with a bearer token', async () => {
    const job = (await client().getNamespacedCustomObject({ ...JOBS, namespace: NS, name: JOB3 })) as JobLike;
    expect(job.metadata.name).toBe(JOB3);
    expect(job.metadata.resourceVersion).toBe('7681358');
    expect(t.emu.requests().at(-1)!.auth).toBe('static');
  });

  it('refuses a wrong bearer token with 401 and a missing job with 404 Status', async () => {
    const bad = await client('wrong').getNamespacedCustomObject({ ...JOBS, namespace: NS, name: JOB3 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ApiException);
    expect((bad as ApiException<unknown>).code).toBe(401);
    const missing = await client().getNamespacedCustomObject({ ...JOBS, namespace: NS, name: 'nope' }).catch((e: unknown) => e);
    expect((missing as ApiException<unknown>).code).toBe(404);
    expect(JSON.parse(String((missing as ApiException<unknown>).body))).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  });

  it('lists page by page with limit/_continue and a label selector', async () => {
    const api = client();
    const names: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const page = (await api.listNamespacedCustomObject({ ...JOBS, namespace: 'cn-ns', labelSelector: 'color=blue', limit: 5, _continue: cont })) as JobListLike;
      names.push(...page.items.map((i) => i.metadata.name));
      cont = page.metadata.continue || undefined;
      pages++;
    } while (cont);
    expect(pages).toBe(3);
    expect(names).toHaveLength(12);
    expect(names.every((n) => n.startsWith('blue-'))).toBe(true);
    const unfiltered = (await api.listNamespacedCustomObject({ ...JOBS, namespace: 'cn-ns', limit: 10 })) as JobListLike;
    expect(unfiltered.items).toHaveLength(10);
    expect(unfiltered.metadata.remainingItemCount).toBe(7);
  });

  it('patches with merge patch (content type set by middleware) and with JSON patch (the default)', async () => {
    const api = client();
    const merged = (await api.patchNamespacedCustomObject(
      { ...JOBS, namespace: NS, name: JOB, body: { metadata: { labels: { via: 'client-node' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as JobLike;
    expect(merged.metadata.labels).toMatchObject({ via: 'client-node' });
    expect(t.emu.requests().at(-1)!.contentType).toBe('application/merge-patch+json');
    const patched = (await api.patchNamespacedCustomObject({
      ...JOBS,
      namespace: NS,
      name: JOB,
      body: [{ op: 'replace', path: '/spec/tasks/1/replicas', value: 3 }],
    })) as JobLike;
    expect(patched.spec.tasks[1]!.replicas).toBe(3);
    expect(t.emu.requests().at(-1)!.contentType).toBe('application/json-patch+json');
    expect(t.emu.getJob(NS, JOB)!.spec.tasks[1]!.replicas).toBe(3);
  });

  it('dryRun=All answers the patched job and persists nothing', async () => {
    const before = t.emu.getJob(NS, JOB)!;
    const dry = (await client().patchNamespacedCustomObject(
      { ...JOBS, namespace: NS, name: JOB, body: { metadata: { annotations: { dry: 'yes' } } }, dryRun: 'All', fieldManager: 'client-node-test' },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as JobLike;
    expect(dry.metadata.annotations).toMatchObject({ dry: 'yes' });
    expect(t.emu.requests().at(-1)!.query).toContain('dryRun=All');
    expect(t.emu.getJob(NS, JOB)).toEqual(before);
  });
});
