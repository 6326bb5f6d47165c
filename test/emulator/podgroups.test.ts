/**
 * PodGroups (emulator/podgroups.ts): one per job, named `<job>-<uid>` as Volcano's controller names
 * it, with the gang plugin's Unschedulable condition while the job waits; overrides, legacy names,
 * absence and a forbidding RBAC for the sweep's "why is it stuck" paths.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gangUnschedulableMessage } from '../../emulator/index';
import { cci, useEmulator } from './support';

const t = useEmulator();
const PG = (ns: string, name = '') => `${t.emu.url}/apis/scheduling.volcano.sh/v1beta1/namespaces/${ns}/podgroups${name ? '/' + name : ''}`;
const JOBS = (ns: string) => `${t.emu.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${ns}/jobs`;

describe('PodGroups', () => {
  beforeAll(() => {
    t.emu.createJobs('pg-ns', 3, { prefix: 'wait', phase: 'Pending', labels: { team: 'ml' } });
    t.emu.createJobs('pg-ns', 2, { prefix: 'run', phase: 'Running' });
    t.emu.createJobs('pg-ns', 1, { prefix: 'queued', phase: 'Inqueue' });
  });

  it('the gang message has the format of Volcano gang plugin', () => {
    expect(gangUnschedulableMessage(3, 3)).toBe('3/3 tasks in gang unschedulable: pod group is not ready, 3 Pending, 3 minAvailable; Pending: 3 Unschedulable');
    // Go's sort.Strings orders the histogram as strings: "10 Pending" before "3 minAvailable"
    expect(gangUnschedulableMessage(3, 10)).toBe(
      '3/10 tasks in gang unschedulable: pod group is not ready, 10 Pending, 3 minAvailable; Pending: 10 Unschedulable',
    );
  });

  it('a job created through the API gets a Pending PodGroup <job>-<uid> with the Unschedulable condition', async () => {
    const job = {
      apiVersion: 'batch.volcano.sh/v1alpha1',
      kind: 'Job',
      metadata: { name: 'gang', labels: { app: 'x' } },
      spec: { queue: 'q1', tasks: [{ name: 'a', replicas: 2, template: {} }, { name: 'b', replicas: 3, template: {} }] },
    };
    const created = await cci('POST', JOBS('pg-api'), { body: job, contentType: 'application/json' });
    expect(created.status).toBe(201);
    const uid = created.json.metadata.uid as string;
    expect(t.emu.podGroupName('pg-api', 'gang')).toBe(`gang-${uid}`);
    const r = await cci('GET', PG('pg-api', `gang-${uid}`));
    expect(r.status).toBe(200);
    expect(r.json.apiVersion).toBe('scheduling.volcano.sh/v1beta1');
    expect(r.json.kind).toBe('PodGroup');
    expect(r.json.metadata).toMatchObject({ name: `gang-${uid}`, namespace: 'pg-api', labels: { app: 'x' } });
    expect(r.json.metadata.ownerReferences).toEqual([
      { apiVersion: 'batch.volcano.sh/v1alpha1', blockOwnerDeletion: true, controller: true, kind: 'Job', name: 'gang', uid },
    ]);
    expect(r.json.spec).toMatchObject({ minMember: 5, minTaskMember: { a: 2, b: 3 }, queue: 'q1' });
    expect(r.json.status.phase).toBe('Pending');
    expect(r.json.status.conditions).toHaveLength(1);
    expect(r.json.status.conditions[0]).toMatchObject({
      type: 'Unschedulable',
      status: 'True',
      reason: 'NotEnoughResources',
      message: '5/5 tasks in gang unschedulable: pod group is not ready, 5 Pending, 5 minAvailable; Pending: 5 Unschedulable',
      lastTransitionTime: created.json.status.state.lastTransitionTime,
    });
    expect(r.json.status.conditions[0].transitionID).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('bulk-created jobs have PodGroups that follow their phase; the list filters by label', async () => {
    const list = await cci('GET', PG('pg-ns'));
    expect(list.status).toBe(200);
    expect(list.json.kind).toBe('PodGroupList');
    expect(list.json.items).toHaveLength(6);
    const byJob = new Map<string, { status: { phase: string; conditions: Array<{ type: string }> } }>(
      list.json.items.map((i: { metadata: { ownerReferences: Array<{ name: string }> } }) => [i.metadata.ownerReferences[0]!.name, i]),
    );
    expect(byJob.get('wait-00000')!.status.phase).toBe('Pending');
    expect(byJob.get('queued-00000')!.status.phase).toBe('Inqueue');
    expect(byJob.get('queued-00000')!.status.conditions[0]!.type).toBe('Unschedulable');
    expect(byJob.get('run-00000')!.status.phase).toBe('Running');
    expect(byJob.get('run-00000')!.status.conditions[0]!.type).toBe('Scheduled');
    const ml = await cci('GET', PG('pg-ns') + '?labelSelector=team%3Dml');
    expect(ml.json.items).toHaveLength(3);
    t.emu.setPhase('pg-ns', 'wait-00002', 'Running');
    expect((t.emu.getPodGroup('pg-ns', 'wait-00002')!['status'] as { phase: string }).phase).toBe('Running');
  });

  it('setPodGroupConditions and the control route replace the conditions', async () => {
    const cond = { type: 'Unschedulable', status: 'True', reason: 'NotEnoughResources', message: '1/1 tasks in gang unschedulable: queue is full', lastTransitionTime: '2026-01-01T00:00:00Z' };
    t.emu.setPodGroupConditions('pg-ns', 'wait-00000', [cond]);
    const r = await cci('GET', PG('pg-ns', t.emu.podGroupName('pg-ns', 'wait-00000')!));
    expect(r.json.status.conditions).toEqual([cond]);
    const http = await fetch(`${t.emu.url}/_emulator/podgroups/pg-ns/wait-00001/status`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ phase: 'Inqueue', conditions: [{ ...cond, message: 'over HTTP' }] }),
    });
    expect(http.status).toBe(200);
    const pg = (await http.json()) as { status: { phase: string; conditions: Array<{ message: string }> } };
    expect(pg.status.phase).toBe('Inqueue');
    expect(pg.status.conditions[0]!.message).toBe('over HTTP');
    expect((await fetch(`${t.emu.url}/_emulator/podgroups/pg-ns/nope/status`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('a legacy-named PodGroup is served under the job name; an absent one is 404 NotFound', async () => {
    const newName = t.emu.podGroupName('pg-ns', 'run-00000')!;
    t.emu.setPodGroupStatus('pg-ns', 'run-00000', { legacyName: true });
    expect((await cci('GET', PG('pg-ns', 'run-00000'))).status).toBe(200);
    expect((await cci('GET', PG('pg-ns', newName))).status).toBe(404);
    t.emu.setPodGroupStatus('pg-ns', 'run-00001', { absent: true });
    const name = t.emu.podGroupName('pg-ns', 'run-00001')!;
    const r = await cci('GET', PG('pg-ns', name));
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: `podgroups.scheduling.volcano.sh "${name}" not found`,
      details: { name, group: 'scheduling.volcano.sh', kind: 'podgroups' },
    });
    expect(t.emu.getPodGroup('pg-ns', 'run-00001')).toBeUndefined();
  });

  it('forbidPodGroups makes every read the RBAC 403 until lifted; jobs stay readable', async () => {
    const name = t.emu.podGroupName('pg-ns', 'wait-00000')!;
    t.emu.forbidPodGroups();
    const r = await cci('GET', PG('pg-ns', name));
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403, details: { group: 'scheduling.volcano.sh', kind: 'podgroups' } });
    expect(r.json.message).toMatch(/^podgroups\.scheduling\.volcano\.sh ".*" is forbidden: User ".*" cannot get resource "podgroups" in API group "scheduling\.volcano\.sh" in the namespace "pg-ns"$/);
    expect((await cci('GET', PG('pg-ns'))).status).toBe(403);
    expect((await cci('GET', `${JOBS('pg-ns')}/wait-00000`)).status).toBe(200);
    t.emu.forbidPodGroups(false);
    expect((await cci('GET', PG('pg-ns', name))).status).toBe(200);
    const http = await fetch(`${t.emu.url}/_emulator/podgroups/forbid`, { method: 'POST' });
    expect(http.status).toBe(200);
    expect((await cci('GET', PG('pg-ns', name))).status).toBe(403);
    await fetch(`${t.emu.url}/_emulator/podgroups/forbid`, { method: 'POST', body: JSON.stringify({ forbidden: false }) });
    expect((await cci('GET', PG('pg-ns', name))).status).toBe(200);
  });

  it('are read-only, counted, discoverable as pg, printable, and need a credential', async () => {
    const name = t.emu.podGroupName('pg-ns', 'wait-00000')!;
    t.emu.resetStats();
    expect((await cci('PATCH', PG('pg-ns', name), { body: '{}', contentType: 'application/merge-patch+json' })).status).toBe(405);
    await cci('GET', PG('pg-ns', name));
    await cci('GET', PG('pg-ns'));
    expect(t.emu.stats().cci).toMatchObject({ podGroups: 2, get: 0, list: 0, total: 3 });
    expect((await cci('GET', PG('pg-ns', name), { token: null })).status).toBe(401);
    const disc = await cci('GET', `${t.emu.url}/apis/scheduling.volcano.sh/v1beta1`);
    expect(disc.json.resources).toEqual([
      {
        name: 'podgroups',
        singularName: 'podgroup',
        namespaced: true,
        kind: 'PodGroup',
        verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
        shortNames: ['pg', 'podgroup-v1beta1'],
      },
    ]);
    const groups = await cci('GET', `${t.emu.url}/apis`);
    expect(groups.json.groups.map((g: { name: string }) => g.name)).toEqual(['batch.volcano.sh', 'scheduling.volcano.sh']);
    const table = await cci('GET', PG('pg-ns', name), { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    expect(table.json.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'STATUS', 'minMember', 'RUNNINGS', 'AGE', 'QUEUE']);
    expect(table.json.rows[0].cells.slice(0, 3)).toEqual([name, 'Pending', 1]);
  });

  it('a forbidden namespace forbids its PodGroups with the CCI error code', async () => {
    t.emu.createJobs('pg-locked', 1, { phase: 'Pending' });
    const name = t.emu.podGroupName('pg-locked', 'job-00000')!;
    t.emu.forbidNamespace('pg-locked');
    const r = await cci('GET', PG('pg-locked', name));
    expect(r.status).toBe(403);
    expect(r.json.errorCode).toBe('CCI.01.403104');
  });

  it('lists page with limit / continue in name order, like the jobs', async () => {
    t.emu.createJobs('pg-page', 5, { prefix: 'p', phase: 'Pending', labels: { even: 'no' } });
    const unpaged = await cci('GET', PG('pg-page'));
    const all = unpaged.json.items.map((i: { metadata: { name: string } }) => i.metadata.name) as string[];
    expect(all).toHaveLength(5);
    expect(all).toEqual([...all].sort());
    const seen: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const r = await cci('GET', PG('pg-page') + `?limit=2${cont ? '&continue=' + encodeURIComponent(cont) : ''}`);
      expect(r.status).toBe(200);
      if (pages === 0) expect(r.json.metadata.remainingItemCount).toBe(3);
      seen.push(...r.json.items.map((i: { metadata: { name: string } }) => i.metadata.name));
      cont = r.json.metadata.continue;
      pages++;
    } while (cont);
    expect(pages).toBe(3);
    expect(seen).toEqual(all);
    expect((await cci('GET', PG('pg-page') + '?limit=x')).status).toBe(400);
    expect((await cci('GET', PG('pg-page') + '?limit=1&continue=%%')).status).toBe(400);
  });
});

