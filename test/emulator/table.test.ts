/**
 * Server-side printing (emulator/table.ts): `kubectl get` asks for a meta.k8s.io Table and gets the
 * Volcano CRD's printer columns, paged like the list, with PartialObjectMetadata rows by default.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { humanDuration } from '../../emulator/table';
import { cci, JOB3, jobsUrl, NS, useEmulator } from './support';

const t = useEmulator();
/** kubectl get's Accept header. */
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const table = (url: string, accept = TABLE_ACCEPT) => cci('GET', url, { headers: { Accept: accept } });

describe('Table output', () => {
  beforeAll(() => {
    t.emu.createJobs('tbl-ns', 4, { prefix: 'web', labels: { app: 'web' }, phase: 'Running' });
    t.emu.createJobs('tbl-ns', 3, { prefix: 'db', labels: { app: 'db' } });
  });

  it('lists as a Table with Name and the CRD printer columns', async () => {
    const r = await table(jobsUrl(NS, undefined, 'limit=500'));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
    expect(r.json.kind).toBe('Table');
    expect(r.json.apiVersion).toBe('meta.k8s.io/v1');
    expect(r.json.columnDefinitions.map((c: { name: string; type: string; priority: number }) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['STATUS', 'string', 0],
      ['minAvailable', 'integer', 0],
      ['RUNNINGS', 'integer', 0],
      ['AGE', 'date', 0],
      ['QUEUE', 'string', 1],
    ]);
    const row = r.json.rows.find((x: { cells: unknown[] }) => x.cells[0] === JOB3);
    const job = t.emu.getJob(NS, JOB3)!;
    expect(row.cells.slice(0, 4)).toEqual([JOB3, 'Inqueue', job.status!.minAvailable ?? null, job.status!.running ?? null]);
    // created 2019-06-26: years and days, as Go's HumanDuration prints them
    expect(row.cells[4]).toMatch(/^\d+y\d*d?$/);
    expect(row.cells[5]).toBe('default');
    expect(row.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: JOB3, namespace: NS } });
    expect(row.object.spec).toBeUndefined();
  });

  it('prints a fresh job with an age in seconds and its running count', async () => {
    const r = await table(jobsUrl('tbl-ns', 'web-00000'));
    expect(r.status).toBe(200);
    expect(r.json.rows).toHaveLength(1);
    expect(r.json.rows[0].cells).toEqual(['web-00000', 'Running', 1, 1, expect.stringMatching(/^\d+s$/), 'default']);
  });

  it('pages with --chunk-size=1 and a selector, the continue token in the Table metadata', async () => {
    const names: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const r = await table(jobsUrl('tbl-ns', undefined, `labelSelector=app%3Dweb&limit=1${cont ? '&continue=' + encodeURIComponent(cont) : ''}`));
      expect(r.status).toBe(200);
      names.push(...r.json.rows.map((x: { cells: string[] }) => x.cells[0]));
      cont = r.json.metadata.continue ?? '';
      pages++;
    } while (cont);
    expect(names).toEqual(['web-00000', 'web-00001', 'web-00002', 'web-00003']);
    expect(pages).toBeGreaterThanOrEqual(4);
  });

  it('includeObject=Object carries whole jobs, None none; a v1beta1-only Accept gets a v1beta1 Table', async () => {
    const full = await table(jobsUrl('tbl-ns', undefined, 'includeObject=Object'));
    expect(full.json.rows[0].object.spec.tasks[0].name).toBe('worker');
    const none = await table(jobsUrl('tbl-ns', undefined, 'includeObject=None'));
    expect(none.json.rows[0].object).toBeUndefined();
    const beta = await table(jobsUrl('tbl-ns'), 'application/json;as=Table;v=v1beta1;g=meta.k8s.io');
    expect(beta.json.apiVersion).toBe('meta.k8s.io/v1beta1');
    expect(beta.json.rows).toHaveLength(7);
  });

  it('plain JSON for kubectl -o jsonpath (Accept: application/json); 406 when nothing acceptable is offered', async () => {
    const plain = await table(jobsUrl(NS, JOB3), 'application/json');
    expect(plain.json.kind).toBe('Job');
    const refused = await table(jobsUrl(NS, JOB3), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(refused.status).toBe(406);
    expect(refused.json).toMatchObject({ kind: 'Status', reason: 'NotAcceptable', code: 406 });
  });

  it('humanDuration prints ages as kubectl shows them', () => {
    const s = 1000;
    const cases: Array<[number, string]> = [
      [0, '0s'],
      [119 * s, '119s'],
      [125 * s, '2m5s'],
      [180 * s, '3m'],
      [600 * s, '10m'],
      [3 * 3600 * s, '3h'],
      [(3 * 3600 + 1800) * s, '3h30m'],
      [10 * 3600 * s, '10h'],
      [50 * 3600 * s, '2d2h'],
      [10 * 86400 * s, '10d'],
      [800 * 86400 * s, '2y70d'],
      [9 * 365 * 86400 * s, '9y'],
    ];
    for (const [ms, want] of cases) expect(humanDuration(ms)).toBe(want);
  });
});
