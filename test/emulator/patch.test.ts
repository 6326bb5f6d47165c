/**
 * PATCH of Volcano Jobs (emulator/patch.ts, validation.ts via cci.ts): merge, JSON and strategic patches, preconditions, options.
 */
import { describe, expect, it } from 'vitest';
import { cci, JOB, JOB3, jobsUrl, jsonPatch, merge, NS, useEmulator } from './support';

const t = useEmulator();

describe('CCI PATCH', () => {
  it('merge patch sets and removes labels without bumping generation', async () => {
    const before = t.emu.getJob(NS, JOB)!;
    const r = await merge(JOB, { metadata: { labels: { team: 'a', app: null } } });
    expect(r.status).toBe(200);
    expect(r.json.metadata.labels).toEqual({ team: 'a' });
    expect(r.json.metadata.generation).toBe(before.metadata.generation);
    expect(Number(r.json.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(Number(r.json.metadata.resourceVersion)).toBeGreaterThan(7_700_000);
    expect(t.emu.getJob(NS, JOB)!.metadata.labels).toEqual({ team: 'a' });
  });

  it('a patch that changes nothing is not written', async () => {
    const rv = t.emu.getJob(NS, JOB)!.metadata.resourceVersion;
    const r = await merge(JOB, { metadata: { labels: { team: 'a' } } });
    expect(r.status).toBe(200);
    expect(r.json.metadata.resourceVersion).toBe(rv);
  });

  it('JSON patch replaces replicas and bumps generation', async () => {
    const before = t.emu.getJob(NS, JOB)!;
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
    const rv = t.emu.getJob(NS, JOB)!.metadata.resourceVersion;
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
    expect(t.emu.getJob(NS, JOB)!.metadata.resourceVersion).toBe(rv);
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
    const rv = t.emu.getJob(NS, JOB)!.metadata.resourceVersion;
    const ok = await merge(JOB, { metadata: { resourceVersion: rv, labels: { x: 'y' } } });
    expect(ok.status).toBe(200);
  });

  it('dryRun=All validates and answers but persists nothing', async () => {
    const before = t.emu.getJob(NS, JOB)!;
    const r = await merge(JOB, { metadata: { labels: { dry: 'run' } }, spec: { minAvailable: 2 } }, 'dryRun=All');
    expect(r.status).toBe(200);
    expect(r.json.metadata.labels.dry).toBe('run');
    expect(r.json.spec.minAvailable).toBe(2);
    expect(r.json.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(t.emu.getJob(NS, JOB)).toEqual(before);
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

  it('strategic merge patch is 415 for a custom resource, before the job is looked up', async () => {
    const cur = t.emu.getJob(NS, JOB3)!;
    const tasks = cur.spec.tasks.map((t) => ({ ...t, replicas: t.name === 'mpiworker' ? 5 : t.replicas }));
    const r = await cci('PATCH', jobsUrl(NS, JOB3), { body: { spec: { tasks } }, contentType: 'application/strategic-merge-patch+json' });
    expect(r.status).toBe(415);
    expect(r.json.reason).toBe('UnsupportedMediaType');
    expect(r.json.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
    const missing = await cci('PATCH', jobsUrl(NS, 'no-such-job'), { body: {}, contentType: 'application/strategic-merge-patch+json' });
    expect(missing.status).toBe(415);
    expect(t.emu.getJob(NS, JOB3)).toEqual(cur);
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

  it('task minAvailable above replicas and job minAvailable above total are the webhook 400; negative replicas the schema 422', async () => {
    const r = await jsonPatch(JOB, [{ op: 'add', path: '/spec/tasks/1/minAvailable', value: 9 }]);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `admission webhook "validatejob.volcano.sh" denied the request: 'minAvailable' must be <= 'replicas' in task: mpiworker`,
      code: 400,
    });
    const total = await merge(JOB, { spec: { minAvailable: 100 } });
    expect(total.status).toBe(400);
    expect(total.json.reason).toBeUndefined();
    expect(total.json.message).toBe(`admission webhook "validatejob.volcano.sh" denied the request: job 'minAvailable' must not be greater than total replicas`);
    const neg = await jsonPatch(JOB, [{ op: 'replace', path: '/spec/tasks/0/replicas', value: -1 }]);
    expect(neg.status).toBe(422);
    expect(neg.json.message).toBe(
      `Job.batch.volcano.sh "${JOB}" is invalid: spec.tasks[0].replicas: Invalid value: -1: spec.tasks[0].replicas in body should be greater than or equal to 0`,
    );
  });

  it('fields outside the updatable set are the webhook 400, name changes the 400 BadRequest; priorityClassName is updatable', async () => {
    const denied = `admission webhook "validatejob.volcano.sh" denied the request: job updates may not change fields other than \`minAvailable\`, \`tasks[*].replicas under spec\` and \`PriorityClassName\``;
    const q = await merge(JOB, { spec: { queue: 'other' } });
    expect(q.status).toBe(400);
    expect(q.json.message).toBe(denied);
    expect(q.json.details).toBeUndefined();
    const n = await merge(JOB, { metadata: { name: 'other' } });
    expect(n.status).toBe(400);
    expect(n.json.reason).toBe('BadRequest');
    expect(n.json.message).toBe(`the name of the object (other) does not match the name on the URL (${JOB})`);
    // Volcano's webhook compares the whole spec: a task's template may not change either.
    const tmpl = await jsonPatch(JOB, [{ op: 'replace', path: '/spec/tasks/0/template/spec/restartPolicy', value: 'Never' }]);
    expect(tmpl.status).toBe(400);
    expect(tmpl.json.message).toBe(denied);
    const pcn = await merge(JOB, { spec: { priorityClassName: 'high' } });
    expect(pcn.status).toBe(200);
  });

  it('uid/creationTimestamp/generation come back from the store', async () => {
    const before = t.emu.getJob(NS, JOB)!;
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
    const before = t.emu.getJob(NS, JOB3)!;
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

describe('PATCH content types and bodies (Kubernetes ≥ 1.23)', () => {
  it('the content type is matched exactly: upper case or a space before ";" is 415', async () => {
    for (const type of ['APPLICATION/MERGE-PATCH+JSON', 'application/merge-patch+json ;charset=utf-8', 'Application/json-patch+json']) {
      const r = await cci('PATCH', jobsUrl(NS, JOB), { body: '{}', contentType: type });
      expect(r.status, type).toBe(415);
    }
    expect((await cci('PATCH', jobsUrl(NS, JOB), { body: '{}', contentType: 'application/merge-patch+json;charset=utf-8' })).status).toBe(200);
  });

  it('server-side apply needs a fieldManager (422), and with one applies the configuration (200)', async () => {
    const apply = (query: string) =>
      cci('PATCH', jobsUrl(NS, JOB, query), {
        body: { apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: { name: JOB, labels: { applied: 'yes' } } },
        contentType: 'application/apply-patch+yaml',
      });
    const none = await apply('');
    expect(none.status).toBe(422);
    expect(none.json.message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const ok = await apply('fieldManager=tester&force=true');
    expect(ok.status).toBe(200);
    expect(ok.json.metadata.labels.applied).toBe('yes');
    const force = await merge(JOB, { metadata: { labels: { f: 'x' } } }, 'force=true');
    expect(force.status).toBe(422);
    expect(force.json.message).toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  });

  it('a merge patch that is an array, number or string, and a JSON patch path that is not a string, are 400', async () => {
    for (const body of ['[]', '3', '"x"']) {
      const r = await merge(JOB, body);
      expect(r.status, body).toBe(400);
      expect(r.json.reason).toBe('BadRequest');
    }
    const op = await jsonPatch(JOB, [{ op: 'replace', path: 7, value: 1 }]);
    expect(op.status).toBe(400);
  });

  it('PATCH on the collection is 400 "name must be provided"', async () => {
    const r = await cci('PATCH', jobsUrl(NS), { body: '{}', contentType: 'application/merge-patch+json' });
    expect(r.status).toBe(400);
    expect(r.json.message).toBe('name must be provided');
  });
});

describe('JSON patch as evanphx/json-patch v4 applies it', () => {
  it('accepts a negative index (from the end) and a leading zero', async () => {
    const last = await jsonPatch(JOB, [{ op: 'replace', path: '/spec/tasks/-1/replicas', value: 6 }]);
    expect(last.status).toBe(200);
    expect(last.json.spec.tasks.map((x: { replicas: number }) => x.replicas)).toEqual([1, 6]);
    const zero = await jsonPatch(JOB, [{ op: 'replace', path: '/spec/tasks/01/replicas', value: 2 }]);
    expect(zero.status).toBe(200);
    expect(zero.json.spec.tasks[1].replicas).toBe(2);
    expect((await jsonPatch(JOB, [{ op: 'replace', path: '/spec/tasks/-3/replicas', value: 2 }])).status).toBe(422);
  });

  it('add at the root is 422; test of a missing key against null passes', async () => {
    const root = await jsonPatch(JOB, [{ op: 'add', path: '', value: {} }]);
    expect(root.status).toBe(422);
    expect(root.json.details).toEqual({});
    const test = await jsonPatch(JOB, [
      { op: 'test', path: '/metadata/annotations/absent', value: null },
      { op: 'add', path: '/metadata/labels/tested', value: 'yes' },
    ]);
    expect(test.status).toBe(200);
    expect(test.json.metadata.labels.tested).toBe('yes');
  });
});
