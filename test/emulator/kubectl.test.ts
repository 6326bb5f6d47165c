/**
 * The requests kubectl makes for the commands issue 16 lists, replayed over HTTP with kubectl's
 * headers and query parameters (kubectl itself is not a project dependency): discovery, `get` as a
 * Table, `-o jsonpath`, `label` / `annotate` / `patch` (merge and JSON) with their field managers,
 * and `--dry-run=server`; the effects are what the emulator then serves to the functions.
 */
import { describe, expect, it } from 'vitest';
import { CLEAN_ENV, setEnv } from '../support/env';
import { callHttp, coldHandler } from '../support/harness';
import { TEST_SECRET } from '../support/http-events';
import { cci, JOB, jobsUrl, NS, TOKEN, useEmulator } from './support';

const t = useEmulator();
const UA = 'kubectl/v1.31.0 (linux/amd64) kubernetes/0000000';
const DISCOVERY_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

function kubectl(method: string, url: string, accept: string, body?: { type: string; data: unknown }) {
  const headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}`, Accept: accept, 'User-Agent': UA };
  return cci(method, url, { token: null, headers, body: body?.data, contentType: body?.type });
}

/** What kubectl's RESTMapper does with discovery: find the resource a short name means. */
async function resolve(short: string): Promise<{ groupVersion: string; plural: string }> {
  const api = await kubectl('GET', `${t.emu.url}/api`, DISCOVERY_ACCEPT);
  expect(api.status).toBe(200);
  const apis = await kubectl('GET', `${t.emu.url}/apis`, DISCOVERY_ACCEPT);
  expect(apis.headers.get('content-type')).toBe('application/json');
  for (const g of apis.json.groups as Array<{ versions: Array<{ groupVersion: string }> }>) {
    for (const v of g.versions) {
      const list = await kubectl('GET', `${t.emu.url}/apis/${v.groupVersion}`, 'application/json, */*');
      for (const r of list.json.resources as Array<{ name: string; singularName: string; shortNames?: string[] }>) {
        if (r.name === short || r.singularName === short || r.shortNames?.includes(short) || `${r.name}.${v.groupVersion.split('/')[0]}` === short) {
          return { groupVersion: v.groupVersion, plural: r.name };
        }
      }
    }
  }
  throw new Error(`the server doesn't have a resource type "${short}"`);
}

describe('kubectl against the emulator', () => {
  it('get vcjob -n <ns>: discovery resolves the short name, the list comes back as a Table', async () => {
    const { groupVersion, plural } = await resolve('vcjob');
    expect(groupVersion).toBe('batch.volcano.sh/v1alpha1');
    const r = await kubectl('GET', `${t.emu.url}/apis/${groupVersion}/namespaces/${NS}/${plural}?limit=500`, TABLE_ACCEPT);
    expect(r.status).toBe(200);
    expect(r.json.kind).toBe('Table');
    expect(r.json.rows.map((x: { cells: string[] }) => x.cells[0])).toEqual([JOB, 'openmpi-hello-3-com']);
    expect(await resolve('vj')).toEqual({ groupVersion, plural });
    await expect(resolve('nosuchthing')).rejects.toThrow(/doesn't have a resource type/);
  });

  it('get jobs.batch.volcano.sh -l <selector> --chunk-size=1 pages through the selection', async () => {
    t.emu.createJobs('kc-ns', 3, { prefix: 'a', labels: { team: 'ml' } });
    t.emu.createJobs('kc-ns', 2, { prefix: 'b', labels: { team: 'web' } });
    const { groupVersion, plural } = await resolve('jobs.batch.volcano.sh');
    const names: string[] = [];
    let cont = '';
    do {
      const q = `labelSelector=${encodeURIComponent('team=ml')}&limit=1${cont ? '&continue=' + encodeURIComponent(cont) : ''}`;
      const r = await kubectl('GET', `${t.emu.url}/apis/${groupVersion}/namespaces/kc-ns/${plural}?${q}`, TABLE_ACCEPT);
      expect(r.status).toBe(200);
      names.push(...r.json.rows.map((x: { cells: string[] }) => x.cells[0]));
      cont = r.json.metadata.continue ?? '';
    } while (cont);
    expect(names).toEqual(['a-00000', 'a-00001', 'a-00002']);
  });

  it('get vcjob <name> -o jsonpath reads the plain object', async () => {
    const r = await kubectl('GET', jobsUrl(NS, JOB), 'application/json');
    expect(r.status).toBe(200);
    expect(r.json.spec.tasks.map((x: { name: string }) => x.name)).toEqual(['mpimaster', 'mpiworker']);
  });

  it('label, annotate and patch (merge and JSON) change what the functions then read', async () => {
    const label = await kubectl('PATCH', jobsUrl(NS, JOB, 'fieldManager=kubectl-label'), 'application/json', {
      type: 'application/merge-patch+json',
      data: { metadata: { labels: { team: 'ml' } } },
    });
    expect(label.status).toBe(200);
    const annotate = await kubectl('PATCH', jobsUrl(NS, JOB, 'fieldManager=kubectl-annotate'), 'application/json', {
      type: 'application/merge-patch+json',
      data: { metadata: { annotations: { owner: 'team-a' } } },
    });
    expect(annotate.status).toBe(200);
    const merge = await kubectl('PATCH', jobsUrl(NS, JOB, 'fieldManager=kubectl-patch'), 'application/json', {
      type: 'application/merge-patch+json',
      data: { spec: { minAvailable: 2 } },
    });
    expect(merge.status).toBe(200);
    const json = await kubectl('PATCH', jobsUrl(NS, JOB, 'fieldManager=kubectl-patch'), 'application/json', {
      type: 'application/json-patch+json',
      data: [{ op: 'replace', path: '/spec/tasks/1/replicas', value: 3 }],
    });
    expect(json.status).toBe(200);
    const job = t.emu.getJob(NS, JOB)!;
    expect(job.metadata.labels).toMatchObject({ team: 'ml' });
    expect(job.metadata.annotations).toMatchObject({ owner: 'team-a' });
    expect(job.spec.minAvailable).toBe(2);
    expect(job.spec.tasks[1]!.replicas).toBe(3);
    expect(t.emu.requests().filter((r) => r.method === 'PATCH').every((r) => r.auth === 'static')).toBe(true);
  });

  it('label --dry-run=server answers the labelled job and changes nothing', async () => {
    const before = t.emu.getJob(NS, JOB)!;
    const r = await kubectl('PATCH', jobsUrl(NS, JOB, 'dryRun=All&fieldManager=kubectl-label'), 'application/json', {
      type: 'application/merge-patch+json',
      data: { metadata: { labels: { dry: 'run' } } },
    });
    expect(r.status).toBe(200);
    expect(r.json.metadata.labels.dry).toBe('run');
    expect(t.emu.getJob(NS, JOB)).toEqual(before);
  });

  it('what kubectl changed is what getJob then serves', async () => {
    const r = await kubectl('PATCH', jobsUrl(NS, JOB, 'fieldManager=kubectl-label'), 'application/json', {
      type: 'application/merge-patch+json',
      data: { metadata: { labels: { seen: 'by-functions' } } },
    });
    expect(r.status).toBe(200);
    setEnv({ ...CLEAN_ENV, CCI_ENDPOINT: t.emu.url, CCI_TOKEN: TOKEN, ALLOWED_NAMESPACES: NS, WEBHOOK_SECRET: TEST_SECRET });
    const get = await coldHandler('getJob');
    const a = await callHttp(get, 'aws', 'getJob', { name: JOB });
    expect(a.statusCode).toBe(200);
    expect((a.json as { metadata: { labels: Record<string, string> } }).metadata.labels).toMatchObject({ seen: 'by-functions', team: 'ml' });
  });
});
