/**
 * CCI Volcano Job API (emulator/cci.ts, cci-routes.ts): GET, create and paged, filtered lists over real HTTP.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cci, JOB, JOB3, jobsUrl, NS, useEmulator } from './support';

const t = useEmulator();

describe('CCI GET', () => {
  it('returns the seed job with keys sorted', async () => {
    const r = await cci('GET', jobsUrl(NS, JOB3));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.json.metadata.uid).toBe('1a32a8c4-97db-11e9-9d09-dc9914fb58e0');
    expect(r.json.metadata.resourceVersion).toBe('7681358');
    expect(r.json.status.state.phase).toBe('Inqueue');
    expect(Object.keys(r.json)).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(Object.keys(r.json.spec.tasks[0])).toEqual([...Object.keys(r.json.spec.tasks[0])].sort());
  });

  it('answers 404 with the apiserver Status', async () => {
    const r = await cci('GET', jobsUrl(NS, 'nope'));
    expect(r.status).toBe(404);
    expect(r.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'jobs.batch.volcano.sh "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'batch.volcano.sh', kind: 'jobs' },
      code: 404,
    });
  });

  it('answers 404 for unknown paths and 405 for wrong methods', async () => {
    expect((await cci('GET', `${t.emu.url}/api/v1/pods`)).status).toBe(404);
    expect((await cci('DELETE', jobsUrl(NS, JOB))).status).toBe(405);
    expect((await cci('PUT', jobsUrl(NS))).status).toBe(405);
  });
});

describe('CCI create', () => {
  it('creates with Volcano defaults and refuses duplicates', async () => {
    const job = {
      apiVersion: 'batch.volcano.sh/v1alpha1',
      kind: 'Job',
      metadata: { name: 'created-1', labels: { app: 'x' } },
      spec: { tasks: [{ name: 'a', replicas: 2, template: {} }, { name: 'b', replicas: 3, template: {} }] },
    };
    const r = await cci('POST', jobsUrl('ns-create'), { body: job, contentType: 'application/json' });
    expect(r.status).toBe(201);
    expect(r.json.spec.tasks.map((t: any) => t.minAvailable)).toEqual([2, 3]);
    expect(r.json.spec.minAvailable).toBe(5);
    expect(r.json.spec.queue).toBe('default');
    expect(r.json.metadata.generation).toBe(1);
    expect(r.json.metadata.uid).toBeTruthy();
    const dup = await cci('POST', jobsUrl('ns-create'), { body: job, contentType: 'application/json' });
    expect(dup.status).toBe(409);
    expect(dup.json.reason).toBe('AlreadyExists');
    expect(t.emu.stats().cci.create).toBeGreaterThanOrEqual(2);
    // scaling below the defaulted task minAvailable is refused (by Volcano's webhook) unless it is lowered too
    const down = await cci('PATCH', jobsUrl('ns-create', 'created-1'), {
      body: [{ op: 'replace', path: '/spec/tasks/1/replicas', value: 1 }],
      contentType: 'application/json-patch+json',
    });
    expect(down.status).toBe(400);
    expect(down.json.message).toMatch(/denied the request: 'minAvailable' must be <= 'replicas' in task: b$/);
  });
});

describe('CCI list', () => {
  beforeAll(() => {
    t.emu.createJobs('bulk-ns', 2500, { prefix: 'bulk' });
    t.emu.createJobs('sel-ns', 30, { prefix: 'blue', labels: { color: 'blue', tier: 'web' } });
    t.emu.createJobs('sel-ns', 20, { prefix: 'red', labels: { color: 'red' }, phase: 'Pending' });
    t.emu.createJobs('sel-ns', 5, { prefix: 'plain' });
  });

  it('pages over 2,500 jobs with limit 100, visiting each exactly once', async () => {
    const seen = new Set<string>();
    let cont = '';
    let pages = 0;
    let listRv: string | undefined;
    do {
      const r = await cci('GET', jobsUrl('bulk-ns', undefined, `limit=100${cont ? '&continue=' + encodeURIComponent(cont) : ''}`));
      expect(r.status).toBe(200);
      expect(r.json.kind).toBe('JobList');
      expect(r.json.items.length).toBeLessThanOrEqual(100);
      listRv ??= r.json.metadata.resourceVersion;
      expect(r.json.metadata.resourceVersion).toBe(listRv);
      for (const it of r.json.items) {
        expect(seen.has(it.metadata.name)).toBe(false);
        seen.add(it.metadata.name);
      }
      cont = r.json.metadata.continue;
      pages++;
    } while (cont);
    expect(seen.size).toBe(2500);
    expect(pages).toBe(25);
    const names = [...seen];
    expect(names).toEqual([...names].sort());
  });

  it('lists everything without limit, with continue "" ', async () => {
    const r = await cci('GET', jobsUrl(NS));
    expect(r.status).toBe(200);
    expect(r.json.metadata.continue).toBe('');
    expect(r.json.items.map((j: any) => j.metadata.name)).toEqual([JOB, JOB3]);
    const empty = await cci('GET', jobsUrl('no-such-ns'));
    expect(empty.json.items).toEqual([]);
  });

  it('filters by labelSelector', async () => {
    const count = async (sel: string) => {
      const r = await cci('GET', jobsUrl('sel-ns', undefined, 'labelSelector=' + encodeURIComponent(sel)));
      expect(r.status).toBe(200);
      return r.json.items.length as number;
    };
    expect(await count('color=blue')).toBe(30);
    expect(await count('color==red')).toBe(20);
    expect(await count('color!=blue')).toBe(25);
    expect(await count('color')).toBe(50);
    expect(await count('!color')).toBe(5);
    expect(await count('color in (red, blue)')).toBe(50);
    expect(await count('color notin (red)')).toBe(35);
    expect(await count('color=blue,tier=web')).toBe(30);
    expect(await count('color=red,tier')).toBe(0);
    const bad = await cci('GET', jobsUrl('sel-ns', undefined, 'labelSelector=' + encodeURIComponent('color in (a')));
    expect(bad.status).toBe(400);
    // paging with a selector
    let cont = '';
    let total = 0;
    do {
      const r = await cci('GET', jobsUrl('sel-ns', undefined, `labelSelector=color%3Dred&limit=7${cont ? '&continue=' + cont : ''}`));
      total += r.json.items.length;
      cont = r.json.metadata.continue;
    } while (cont);
    expect(total).toBe(20);
  });

  it('a garbage continue is 400; expired continue tokens are 410 Expired', async () => {
    const garbage = await cci('GET', jobsUrl('bulk-ns', undefined, 'limit=10&continue=%%%garbage'));
    expect(garbage.status).toBe(400);
    const first = await cci('GET', jobsUrl('bulk-ns', undefined, 'limit=10'));
    const token = first.json.metadata.continue as string;
    expect(token).toBeTruthy();
    t.emu.expireContinueTokens();
    const r = await cci('GET', jobsUrl('bulk-ns', undefined, 'limit=10&continue=' + token));
    expect(r.status).toBe(410);
    expect(r.json.reason).toBe('Expired');
    expect(r.json.message).toMatch(/^The provided continue parameter is too old/);
    // a fresh list works again
    const again = await cci('GET', jobsUrl('bulk-ns', undefined, 'limit=10'));
    const next = await cci('GET', jobsUrl('bulk-ns', undefined, 'limit=10&continue=' + again.json.metadata.continue));
    expect(next.status).toBe(200);
    expect(next.json.items[0].metadata.name).toBe('bulk-00010');
  });

  it('stays fast with 10,000 jobs in 10 namespaces', async () => {
    const t0 = Date.now();
    for (let i = 0; i < 10; i++) t.emu.createJobs(`perf-${i}`, 1000, { prefix: 'p' });
    const created = Date.now() - t0;
    const t1 = Date.now();
    let pages = 0;
    for (let i = 0; i < 10; i++) {
      let cont = '';
      do {
        const r = await cci('GET', jobsUrl(`perf-${i}`, undefined, `limit=500${cont ? '&continue=' + cont : ''}`));
        cont = r.json.metadata.continue;
        pages++;
      } while (cont);
    }
    const listed = Date.now() - t1;
    expect(pages).toBe(20);
    expect(created).toBeLessThan(3000);
    expect(listed).toBeLessThan(3000);
  });

});

describe('lists as the etcd3 store pages them', () => {
  beforeAll(() => {
    t.emu.createJobs('page-ns', 2, { prefix: 'a', labels: { pick: 'yes' } });
    t.emu.createJobs('page-ns', 1, { prefix: 'b' });
  });

  it('a continue token follows a full page when more keys follow, matching or not; the next page may be empty', async () => {
    const first = await cci('GET', jobsUrl('page-ns', undefined, 'labelSelector=pick%3Dyes&limit=2'));
    expect(first.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['a-00000', 'a-00001']);
    expect(first.json.metadata.continue).toBeTruthy();
    expect(first.json.metadata.remainingItemCount).toBeUndefined();
    const second = await cci('GET', jobsUrl('page-ns', undefined, `labelSelector=pick%3Dyes&limit=2&continue=${first.json.metadata.continue}`));
    expect(second.status).toBe(200);
    expect(second.json.items).toEqual([]);
    expect(second.json.metadata.continue).toBe('');
    const unfiltered = await cci('GET', jobsUrl('page-ns', undefined, 'limit=2'));
    expect(unfiltered.json.metadata.remainingItemCount).toBe(1);
  });

  it('a padded or standard-base64 continue token is 400', async () => {
    const first = await cci('GET', jobsUrl('page-ns', undefined, 'limit=1'));
    const token = first.json.metadata.continue as string;
    const std = Buffer.from(Buffer.from(token, 'base64url').toString('utf8'), 'utf8').toString('base64');
    expect(std).toMatch(/=$/);
    const padded = await cci('GET', jobsUrl('page-ns', undefined, 'limit=1&continue=' + encodeURIComponent(std)));
    expect(padded.status).toBe(400);
    expect(padded.json.message).toMatch(/^invalid continue token: continue key is not valid: illegal base64 data at input byte \d+$/);
  });

  it('continue with resourceVersion is 400; resourceVersionMatch without resourceVersion is 422; limit=-1 is unpaged', async () => {
    const first = await cci('GET', jobsUrl('page-ns', undefined, 'limit=1'));
    const both = await cci('GET', jobsUrl('page-ns', undefined, `limit=1&resourceVersion=5&continue=${first.json.metadata.continue}`));
    expect(both.status).toBe(400);
    expect(both.json.message).toBe('specifying resource version is not allowed when using continue');
    const match = await cci('GET', jobsUrl('page-ns', undefined, 'resourceVersionMatch=NotOlderThan'));
    expect(match.status).toBe(422);
    expect(match.json.message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    );
    expect((await cci('GET', jobsUrl('page-ns', undefined, 'resourceVersionMatch=NotOlderThan&resourceVersion=0'))).status).toBe(200);
    const all = await cci('GET', jobsUrl('page-ns', undefined, 'limit=-1'));
    expect(all.status).toBe(200);
    expect(all.json.items).toHaveLength(3);
    expect(all.json.metadata.continue).toBe('');
  });
});

