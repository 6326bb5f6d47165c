import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../emulator/index';

const NS = 'cci-namespace-42263891';
const JOB = 'openmpi-hello-2-com';
const JOB3 = 'openmpi-hello-3-com';
const TOKEN = 'local-dev-token';
const PASSWORD_BODY = (password = 'demo-password', project = 'cn-north-4') => ({
  auth: {
    identity: { methods: ['password'], password: { user: { name: 'demo-user', password, domain: { name: 'demo-domain' } } } },
    scope: { project: { name: project } },
  },
});

let emu: Emulator;

function jobsUrl(ns = NS, name?: string, query = ''): string {
  return `${emu.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${ns}/jobs${name ? '/' + name : ''}${query ? '?' + query : ''}`;
}

async function cci(method: string, url: string, init: { body?: unknown; contentType?: string; token?: string | null } = {}) {
  const headers: Record<string, string> = {};
  if (init.token !== null) headers['X-Auth-Token'] = init.token ?? TOKEN;
  if (init.contentType) headers['Content-Type'] = init.contentType;
  const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const merge = (name: string, body: unknown, query = '') => cci('PATCH', jobsUrl(NS, name, query), { body, contentType: 'application/merge-patch+json' });
const jsonPatch = (name: string, body: unknown, query = '') => cci('PATCH', jobsUrl(NS, name, query), { body, contentType: 'application/json-patch+json' });

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.clearFaults();
});

describe('IAM', () => {
  it('issues a ~9 KB token with 201, X-Subject-Token and microsecond expiry', async () => {
    emu.resetStats();
    const res = await fetch(`${emu.url}/v3/auth/tokens?nocatalog=true`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json;charset=utf8' },
      body: JSON.stringify(PASSWORD_BODY()),
    });
    expect(res.status).toBe(201);
    const token = res.headers.get('x-subject-token');
    expect(token).toMatch(/^MII[A-Za-z0-9+/=]+$/);
    expect(token!.length).toBeGreaterThan(8000);
    const body = (await res.json()) as any;
    expect(body.token.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(body.token.issued_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const ttl = Date.parse(body.token.expires_at.replace(/(\.\d{3})\d+/, '$1')) - Date.parse(body.token.issued_at.replace(/(\.\d{3})\d+/, '$1'));
    expect(ttl).toBe(86400 * 1000);
    expect(body.token.project.name).toBe('cn-north-4');
    expect(body.token.catalog).toEqual([]);
    expect(emu.stats().iamTokenRequests).toBe(1);
    // the token works on CCI
    const get = await cci('GET', jobsUrl(NS, JOB), { token: token! });
    expect(get.status).toBe(200);
  });

  it('refuses a wrong password with the Keystone 401', async () => {
    const res = await fetch(`${emu.url}/v3/auth/tokens`, { method: 'POST', body: JSON.stringify(PASSWORD_BODY('nope')) });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-subject-token')).toBeNull();
    expect(await res.json()).toEqual({ error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' } });
  });

  it('refuses a malformed body (400) and an unknown project', async () => {
    const bad = await fetch(`${emu.url}/v3/auth/tokens`, { method: 'POST', body: '{"auth":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 400, message: 'The request body is invalid', title: 'Bad Request' } });
    const proj = await fetch(`${emu.url}/v3/auth/tokens`, { method: 'POST', body: JSON.stringify(PASSWORD_BODY('demo-password', 'mars-1')) });
    expect(proj.status).toBe(401);
    expect(((await proj.json()) as any).error.message).toMatch(/project/);
  });
});

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
    expect((await cci('GET', `${emu.url}/api/v1/pods`)).status).toBe(404);
    expect((await cci('DELETE', jobsUrl(NS, JOB))).status).toBe(405);
    expect((await cci('PUT', jobsUrl(NS))).status).toBe(405);
  });
});

describe('CCI PATCH', () => {
  it('merge patch sets and removes labels without bumping generation', async () => {
    const before = emu.getJob(NS, JOB)!;
    const r = await merge(JOB, { metadata: { labels: { team: 'a', app: null } } });
    expect(r.status).toBe(200);
    expect(r.json.metadata.labels).toEqual({ team: 'a' });
    expect(r.json.metadata.generation).toBe(before.metadata.generation);
    expect(Number(r.json.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(Number(r.json.metadata.resourceVersion)).toBeGreaterThan(7_700_000);
    expect(emu.getJob(NS, JOB)!.metadata.labels).toEqual({ team: 'a' });
  });

  it('a patch that changes nothing is not written', async () => {
    const rv = emu.getJob(NS, JOB)!.metadata.resourceVersion;
    const r = await merge(JOB, { metadata: { labels: { team: 'a' } } });
    expect(r.status).toBe(200);
    expect(r.json.metadata.resourceVersion).toBe(rv);
  });

  it('JSON patch replaces replicas and bumps generation', async () => {
    const before = emu.getJob(NS, JOB)!;
    const r = await jsonPatch(JOB, [{ op: 'replace', path: '/spec/tasks/1/replicas', value: 4 }]);
    expect(r.status).toBe(200);
    expect(r.json.spec.tasks[1].replicas).toBe(4);
    expect(r.json.metadata.generation).toBe(before.metadata.generation! + 1);
  });

  it('JSON patch replace on a missing key acts as add (json-patch v4 quirk)', async () => {
    const r = await jsonPatch(JOB, [{ op: 'replace', path: '/metadata/annotations', value: { owner: 'x' } }]);
    expect(r.status).toBe(200);
    expect(r.json.metadata.annotations).toEqual({ owner: 'x' });
  });

  it('a failed test op gives the generic 422', async () => {
    const rv = emu.getJob(NS, JOB)!.metadata.resourceVersion;
    const r = await jsonPatch(JOB, [
      { op: 'test', path: '/metadata/resourceVersion', value: '1' },
      { op: 'replace', path: '/spec/tasks/1/replicas', value: 1 },
    ]);
    expect(r.status).toBe(422);
    expect(r.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    });
    expect(emu.getJob(NS, JOB)!.metadata.resourceVersion).toBe(rv);
  });

  it('a JSON patch that is not an array is 400; a null merge patch is 400; bad JSON is 400', async () => {
    expect((await jsonPatch(JOB, { op: 'add' })).status).toBe(400);
    expect((await merge(JOB, 'null')).status).toBe(400);
    expect((await merge(JOB, '{"metadata":')).status).toBe(400);
  });

  it('a stale resourceVersion gives 409 Conflict', async () => {
    const r = await merge(JOB, { metadata: { resourceVersion: '7695210', labels: { x: 'y' } } });
    expect(r.status).toBe(409);
    expect(r.json.reason).toBe('Conflict');
    expect(r.json.message).toBe(
      `Operation cannot be fulfilled on jobs.batch.volcano.sh "${JOB}": the object has been modified; please apply your changes to the latest version and try again`,
    );
    expect(r.json.details).toEqual({ name: JOB, group: 'batch.volcano.sh', kind: 'jobs' });
    // the current one works
    const rv = emu.getJob(NS, JOB)!.metadata.resourceVersion;
    const ok = await merge(JOB, { metadata: { resourceVersion: rv, labels: { x: 'y' } } });
    expect(ok.status).toBe(200);
  });

  it('dryRun=All validates and answers but persists nothing', async () => {
    const before = emu.getJob(NS, JOB)!;
    const r = await merge(JOB, { metadata: { labels: { dry: 'run' } }, spec: { minAvailable: 2 } }, 'dryRun=All');
    expect(r.status).toBe(200);
    expect(r.json.metadata.labels.dry).toBe('run');
    expect(r.json.spec.minAvailable).toBe(2);
    expect(r.json.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(emu.getJob(NS, JOB)).toEqual(before);
    const bad = await merge(JOB, { metadata: { labels: { dry: 'run' } } }, 'dryRun=true');
    expect(bad.status).toBe(422);
    expect(bad.json.message).toBe('PatchOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["true"]: supported values: "All"');
    const fm = await merge(JOB, { metadata: { labels: { dry: 'run' } } }, 'fieldManager=' + 'x'.repeat(129));
    expect(fm.status).toBe(422);
  });

  it('refuses text/plain with 415', async () => {
    const r = await cci('PATCH', jobsUrl(NS, JOB), { body: '{}', contentType: 'text/plain' });
    expect(r.status).toBe(415);
    expect(r.json.reason).toBe('UnsupportedMediaType');
    expect(r.json.message).toMatch(/^the body of the request was in an unknown format - accepted media types include: /);
    const charset = await cci('PATCH', jobsUrl(NS, JOB), { body: '{}', contentType: 'application/merge-patch+json; charset=utf-8' });
    expect(charset.status).toBe(200);
  });

  it('strategic merge patch replaces the whole tasks list', async () => {
    const cur = emu.getJob(NS, JOB3)!;
    const tasks = cur.spec.tasks.map((t) => ({ ...t, replicas: t.name === 'mpiworker' ? 5 : t.replicas }));
    const r = await cci('PATCH', jobsUrl(NS, JOB3), {
      body: { spec: { tasks } },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(r.status).toBe(200);
    expect(r.json.spec.tasks.map((t: any) => t.replicas)).toEqual([1, 5]);
    // a partial list replaces (and so removes a task): refused
    const partial = await cci('PATCH', jobsUrl(NS, JOB3), {
      body: { spec: { tasks: [{ name: 'mpiworker', replicas: 3 }] } },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(partial.status).toBe(422);
    expect(partial.json.message).toMatch(/may not add or remove tasks/);
  });

  it('status in a main-resource patch is ignored', async () => {
    const r = await merge(JOB3, { status: { state: { phase: 'Completed' } }, metadata: { labels: { s: 'ignored' } } });
    expect(r.status).toBe(200);
    expect(r.json.status.state.phase).toBe('Inqueue');
  });

  it('an invalid label gives 422 with causes', async () => {
    const r = await merge(JOB, { metadata: { labels: { good: 'bad value!' } } });
    expect(r.status).toBe(422);
    expect(r.json.reason).toBe('Invalid');
    expect(r.json.message).toMatch(/^Job\.batch\.volcano\.sh "openmpi-hello-2-com" is invalid: metadata\.labels: Invalid value: "bad value!": a valid label must be/);
    expect(r.json.details.kind).toBe('Job');
    expect(r.json.details.group).toBe('batch.volcano.sh');
    expect(r.json.details.causes[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'metadata.labels' });
    const key = await merge(JOB, { metadata: { labels: { 'a/b/c': 'x' } } });
    expect(key.status).toBe(422);
    const big = await merge(JOB, { metadata: { annotations: { big: 'x'.repeat(262145) } } });
    expect(big.status).toBe(422);
    expect(big.json.message).toMatch(/metadata\.annotations: Too long: may not be more than 262144 bytes/);
  });

  it('task minAvailable above replicas and job minAvailable above total are 422', async () => {
    const r = await jsonPatch(JOB, [{ op: 'add', path: '/spec/tasks/1/minAvailable', value: 9 }]);
    expect(r.status).toBe(422);
    expect(r.json.details.causes[0]).toMatchObject({ field: 'spec.tasks[1].minAvailable' });
    expect(r.json.message).toMatch(/'minAvailable' must be <= 'replicas' in task: mpiworker/);
    const total = await merge(JOB, { spec: { minAvailable: 100 } });
    expect(total.status).toBe(422);
    expect(total.json.message).toMatch(/job 'minAvailable' must not be greater than total replicas/);
    const neg = await jsonPatch(JOB, [{ op: 'replace', path: '/spec/tasks/0/replicas', value: -1 }]);
    expect(neg.status).toBe(422);
  });

  it('fields outside the updatable set, and name changes, are 422', async () => {
    const q = await merge(JOB, { spec: { queue: 'other' } });
    expect(q.status).toBe(422);
    expect(q.json.details.causes[0].field).toBe('spec.queue');
    const n = await merge(JOB, { metadata: { name: 'other' } });
    expect(n.status).toBe(422);
    const tmpl = await jsonPatch(JOB, [{ op: 'replace', path: '/spec/tasks/0/template/spec/restartPolicy', value: 'Never' }]);
    expect(tmpl.status).toBe(200);
    const pcn = await merge(JOB, { spec: { priorityClassName: 'high' } });
    expect(pcn.status).toBe(200);
  });

  it('uid/creationTimestamp/generation come back from the store', async () => {
    const before = emu.getJob(NS, JOB)!;
    const r = await jsonPatch(JOB, [
      { op: 'remove', path: '/metadata/uid' },
      { op: 'replace', path: '/metadata/generation', value: 99 },
      { op: 'add', path: '/metadata/labels/restored', value: 'yes' },
    ]);
    expect(r.status).toBe(200);
    expect(r.json.metadata.uid).toBe(before.metadata.uid);
    expect(r.json.metadata.generation).toBe(before.metadata.generation);
  });

  it('PATCH of a missing job is 404; the status subresource bumps rv but not generation', async () => {
    expect((await merge('missing-job', { metadata: { labels: { a: 'b' } } })).status).toBe(404);
    const before = emu.getJob(NS, JOB3)!;
    const r = await cci('PATCH', jobsUrl(NS, JOB3) + '/status', {
      body: { status: { state: { phase: 'Running' } }, spec: { queue: 'ignored' } },
      contentType: 'application/merge-patch+json',
    });
    expect(r.status).toBe(200);
    expect(r.json.status.state.phase).toBe('Running');
    expect(r.json.spec.queue).toBe('default');
    expect(r.json.metadata.generation).toBe(before.metadata.generation);
    expect(r.json.metadata.resourceVersion).not.toBe(before.metadata.resourceVersion);
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
    expect(emu.stats().cci.create).toBeGreaterThanOrEqual(2);
    // scaling below the defaulted task minAvailable is refused unless it is lowered too
    const down = await cci('PATCH', jobsUrl('ns-create', 'created-1'), {
      body: [{ op: 'replace', path: '/spec/tasks/1/replicas', value: 1 }],
      contentType: 'application/json-patch+json',
    });
    expect(down.status).toBe(422);
  });
});

describe('CCI list', () => {
  beforeAll(() => {
    emu.createJobs('bulk-ns', 2500, { prefix: 'bulk' });
    emu.createJobs('sel-ns', 30, { prefix: 'blue', labels: { color: 'blue', tier: 'web' } });
    emu.createJobs('sel-ns', 20, { prefix: 'red', labels: { color: 'red' }, phase: 'Pending' });
    emu.createJobs('sel-ns', 5, { prefix: 'plain' });
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
    emu.expireContinueTokens();
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
    for (let i = 0; i < 10; i++) emu.createJobs(`perf-${i}`, 1000, { prefix: 'p' });
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

  it('setPhase writes status only', async () => {
    const before = emu.getJob('sel-ns', 'red-00000')!;
    emu.setPhase('sel-ns', 'red-00000', 'Running', '2026-01-01T00:00:00Z');
    const after = emu.getJob('sel-ns', 'red-00000')!;
    expect(after.status!.state).toEqual({ lastTransitionTime: '2026-01-01T00:00:00Z', phase: 'Running' });
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
  });
});

describe('faults', () => {
  it('status fault with Retry-After and retryAfterSeconds', async () => {
    emu.addFault({ action: { type: 'status', status: 429, retryAfter: 2, retryAfterSeconds: 2 } });
    const r = await cci('GET', jobsUrl(NS, JOB));
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('2');
    expect(r.json.reason).toBe('TooManyRequests');
    expect(r.json.details.retryAfterSeconds).toBe(2);
    expect((await cci('GET', jobsUrl(NS, JOB))).status).toBe(200);
  });

  it('text 429 like the apiserver filters, and gateway shape', async () => {
    emu.addFault({ action: { type: 'status', status: 429, shape: 'text', retryAfter: 1 } });
    const r = await cci('GET', jobsUrl(NS, JOB));
    expect(r.status).toBe(429);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toBe('Too many requests, please try again later.\n');
    emu.addFault({ action: { type: 'status', status: 429, shape: 'gateway' } });
    const g = await cci('GET', jobsUrl(NS, JOB));
    expect(g.json.error_code).toBe('APIGW.0308');
  });

  it('faults apply before auth and can target IAM', async () => {
    emu.addFault({ service: 'iam', action: { type: 'status', status: 503 } });
    const r = await fetch(`${emu.url}/v3/auth/tokens`, { method: 'POST', body: JSON.stringify(PASSWORD_BODY()) });
    expect(r.status).toBe(503);
    emu.addFault({ action: { type: 'status', status: 500 } });
    const c = await cci('GET', jobsUrl(NS, JOB), { token: null });
    expect(c.status).toBe(500);
  });

  it('hang ends when the client aborts', async () => {
    emu.addFault({ method: 'GET', action: { type: 'hang' } });
    const t0 = Date.now();
    await expect(
      fetch(jobsUrl(NS, JOB), { headers: { 'X-Auth-Token': TOKEN }, signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await cci('GET', jobsUrl(NS, JOB))).status).toBe(200);
  });

  it('reset gives a fetch error', async () => {
    emu.addFault({ action: { type: 'reset' } });
    await expect(fetch(jobsUrl(NS, JOB), { headers: { 'X-Auth-Token': TOKEN } })).rejects.toThrow();
  });

  it('garbage answers are not Jobs', async () => {
    emu.addFault({ action: { type: 'garbage' } });
    const r = await cci('GET', jobsUrl(NS, JOB));
    expect(r.status).toBe(200);
    expect(r.text).toBe('<html>gateway</html>');
  });

  it('times counts, matches by method and path, and delay still answers', async () => {
    emu.addFault({ method: 'PATCH', path: `/jobs/${JOB}`, times: 2, action: { type: 'status', status: 503 } });
    expect((await cci('GET', jobsUrl(NS, JOB))).status).toBe(200);
    expect((await merge(JOB, { metadata: { labels: { t: '1' } } })).status).toBe(503);
    expect((await merge(JOB, { metadata: { labels: { t: '1' } } })).status).toBe(503);
    expect((await merge(JOB, { metadata: { labels: { t: '1' } } })).status).toBe(200);
    emu.addFault({ path: /\/jobs$/, times: Infinity, action: { type: 'status', status: 504 } });
    expect((await cci('GET', jobsUrl(NS))).status).toBe(504);
    expect((await cci('GET', jobsUrl(NS))).status).toBe(504);
    expect((await cci('GET', jobsUrl(NS, JOB))).status).toBe(200);
    emu.clearFaults();
    emu.addFault({ action: { type: 'delay', ms: 150 } });
    const t0 = Date.now();
    expect((await cci('GET', jobsUrl(NS, JOB))).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('close() ends hung requests', async () => {
    const other = await startEmulator({ port: 0 });
    other.addFault({ action: { type: 'hang' } });
    const pending = fetch(`${other.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${NS}/jobs/${JOB}`, { headers: { 'X-Auth-Token': TOKEN } });
    await new Promise((r) => setTimeout(r, 100));
    await other.close();
    await expect(pending).rejects.toThrow();
  });
});

describe('auth', () => {
  it('missing token is 401 Status; revoked token is 401 Status; expired token is the gateway 401', async () => {
    const none = await cci('GET', jobsUrl(NS, JOB), { token: null });
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    expect((await cci('GET', jobsUrl(NS, JOB), { token: 'MIIgarbage' })).status).toBe(401);

    const minted = emu.mintToken();
    expect((await cci('GET', jobsUrl(NS, JOB), { token: minted })).status).toBe(200);
    emu.revokeTokens();
    const revoked = await cci('GET', jobsUrl(NS, JOB), { token: minted });
    expect(revoked.status).toBe(401);
    expect(revoked.json.reason).toBe('Unauthorized');

    const fresh = emu.mintToken();
    expect((await cci('GET', jobsUrl(NS, JOB), { token: fresh })).status).toBe(200);
    emu.expireTokens();
    const expired = await cci('GET', jobsUrl(NS, JOB), { token: fresh });
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({ error_code: 'APIGW.0307', error_msg: 'The token must be updated.' });
    // static tokens are unaffected; new tokens work
    expect((await cci('GET', jobsUrl(NS, JOB))).status).toBe(200);
    expect((await cci('GET', jobsUrl(NS, JOB), { token: emu.mintToken() })).status).toBe(200);
  });

  it('a token past its TTL is expired', async () => {
    const short = await startEmulator({ port: 0, tokenTtlSeconds: 0.2 });
    try {
      const res = await fetch(`${short.url}/v3/auth/tokens`, { method: 'POST', body: JSON.stringify(PASSWORD_BODY()) });
      const token = res.headers.get('x-subject-token')!;
      const url = `${short.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${NS}/jobs/${JOB}`;
      expect((await fetch(url, { headers: { 'X-Auth-Token': token } })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      const r = await fetch(url, { headers: { 'X-Auth-Token': token } });
      expect(r.status).toBe(401);
      expect(((await r.json()) as any).error_code).toBe('APIGW.0307');
    } finally {
      await short.close();
    }
  });

  it('forbidden namespaces answer 403 with the CCI error code', async () => {
    emu.createJobs('locked-ns', 1);
    emu.forbidNamespace('locked-ns');
    const r = await cci('GET', jobsUrl('locked-ns'));
    expect(r.status).toBe(403);
    expect(r.json.errorCode).toBe('CCI.01.403104');
    expect(r.json.reason).toBe('Forbidden');
  });

  it('accepts AK/SK-signed requests and refuses a bad signature', async () => {
    const sign = (method: string, url: string, body: string, sk: string, ak = 'LOCALAK') => {
      const u = new URL(url);
      const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
      const headers: Record<string, string> = { host: u.host, 'x-sdk-date': date, 'content-type': 'application/merge-patch+json' };
      const names = Object.keys(headers).sort();
      const canonicalUri = u.pathname.split('/').map(encodeURIComponent).join('/').replace(/\/?$/, '/');
      const canonicalQuery = [...u.searchParams.entries()]
        .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : 1))
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
        .join('&');
      const canonicalRequest = [
        method,
        canonicalUri,
        canonicalQuery,
        names.map((n) => `${n}:${headers[n]}\n`).join(''),
        names.join(';'),
        createHash('sha256').update(body).digest('hex'),
      ].join('\n');
      const sts = `SDK-HMAC-SHA256\n${date}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
      const sig = createHmac('sha256', sk).update(sts).digest('hex');
      return {
        'X-Sdk-Date': date,
        'Content-Type': 'application/merge-patch+json',
        Authorization: `SDK-HMAC-SHA256 Access=${ak}, SignedHeaders=${names.join(';')}, Signature=${sig}`,
      };
    };
    emu.resetStats();
    const url = jobsUrl(NS, JOB3, 'dryRun=All');
    const body = JSON.stringify({ metadata: { labels: { signed: 'yes' } } });
    const good = await fetch(url, { method: 'PATCH', headers: sign('PATCH', url, body, 'localsecretkey'), body });
    expect(good.status).toBe(200);
    expect(emu.requests().at(-1)!.auth).toBe('aksk');
    const bad = await fetch(url, { method: 'PATCH', headers: sign('PATCH', url, body, 'wrong'), body });
    expect(bad.status).toBe(401);
  });
});

describe('stats and request log', () => {
  it('counts requests per route including faulted ones', async () => {
    emu.resetStats();
    await cci('GET', jobsUrl(NS, JOB));
    await cci('GET', jobsUrl(NS));
    await merge(JOB, { metadata: { labels: { s: '1' } } });
    await cci('PATCH', jobsUrl(NS, JOB) + '/status', { body: { status: { running: 1 } }, contentType: 'application/merge-patch+json' });
    emu.addFault({ action: { type: 'status', status: 503 } });
    await cci('GET', jobsUrl(NS, JOB));
    await fetch(`${emu.url}/v3/auth/tokens`, { method: 'POST', body: JSON.stringify(PASSWORD_BODY()) });
    const s = emu.stats();
    expect(s).toEqual({ iamTokenRequests: 1, cci: { get: 2, list: 1, patch: 1, patchStatus: 1, create: 0, total: 5 } });
    const log = emu.requests();
    expect(log.map((r) => r.status)).toEqual([200, 200, 200, 200, 503, 201]);
    expect(log[2]!.contentType).toBe('application/merge-patch+json');
    expect(log[5]!.service).toBe('iam');
    expect(JSON.stringify(log)).not.toContain('demo-password');
    emu.resetStats();
    expect(emu.requests()).toEqual([]);
    expect(emu.stats().cci.total).toBe(0);
  });

  it('exposes the control interface over HTTP', async () => {
    const post = (p: string, body?: unknown) =>
      fetch(`${emu.url}/_emulator/${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect((await post('faults', { path: { regex: 'openmpi-hello-3' }, times: 1, action: { type: 'status', status: 502, shape: 'gateway' } })).status).toBe(200);
    expect((await cci('GET', jobsUrl(NS, JOB3))).status).toBe(502);
    const { token } = (await (await post('tokens/mint')).json()) as { token: string };
    expect((await cci('GET', jobsUrl(NS, JOB3), { token })).status).toBe(200);
    expect((await post('jobs/bulk', { namespace: 'http-ns', count: 3, prefix: 'h', phase: 'Pending' })).status).toBe(200);
    expect((await post('jobs/http-ns/h-00001/phase', { phase: 'Failed' })).status).toBe(200);
    expect(emu.getJob('http-ns', 'h-00001')!.status!.state!.phase).toBe('Failed');
    const stats = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as any;
    expect(stats.cci.get).toBeGreaterThanOrEqual(2);
    const reqs = (await (await fetch(`${emu.url}/_emulator/requests`)).json()) as any[];
    expect(reqs.length).toBeGreaterThan(0);
    expect((await post('tokens/revoke')).status).toBe(200);
    expect((await cci('GET', jobsUrl(NS, JOB3), { token })).status).toBe(401);
    expect((await fetch(`${emu.url}/_emulator/faults`, { method: 'DELETE' })).status).toBe(200);
    expect((await post('reset-stats')).status).toBe(200);
    expect((await post('continue/expire')).status).toBe(200);
  });
});
