/**
 * The update path (emulator/update.ts) point by point as kube-apiserver answers it: name and namespace
 * (400), ObjectMeta immutables and rules (422 or silently refilled), the resourceVersion precondition
 * (422 / 500 / 409), and PUT through the same path.
 */
import { describe, expect, it } from 'vitest';
import { cci, JOB, JOB3, jobsUrl, jsonPatch, merge, NS, useEmulator } from './support';

const t = useEmulator();
const rvOf = (name = JOB) => t.emu.getJob(NS, name)!.metadata.resourceVersion;

describe('ObjectMeta on update', () => {
  it('a changed uid is 422 immutable; an emptied uid is refilled without a write', async () => {
    const before = t.emu.getJob(NS, JOB)!;
    const r = await merge(JOB, { metadata: { uid: 'c84d86f0-0000-0000-0000-000000000000' } });
    expect(r.status).toBe(422);
    expect(r.json.message).toBe(`Job.batch.volcano.sh "${JOB}" is invalid: metadata.uid: Invalid value: "c84d86f0-0000-0000-0000-000000000000": field is immutable`);
    for (const body of [{ metadata: { uid: null } }, { metadata: { uid: '' } }]) {
      const ok = await merge(JOB, body);
      expect(ok.status).toBe(200);
      expect(ok.json.metadata.uid).toBe(before.metadata.uid);
      expect(ok.json.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    }
  });

  it('a changed creationTimestamp is reset without error or write; deletionTimestamp set by a patch is 422', async () => {
    const before = t.emu.getJob(NS, JOB)!;
    const r = await merge(JOB, { metadata: { creationTimestamp: '2030-01-01T00:00:00Z' } });
    expect(r.status).toBe(200);
    expect(r.json.metadata.creationTimestamp).toBe(before.metadata.creationTimestamp);
    expect(rvOf()).toBe(before.metadata.resourceVersion);
    const del = await merge(JOB, { metadata: { deletionTimestamp: '2030-01-01T00:00:00Z' } });
    expect(del.status).toBe(422);
    expect(del.json.message).toBe(`Job.batch.volcano.sh "${JOB}" is invalid: metadata.deletionTimestamp: Invalid value: "2030-01-01T00:00:00Z": field is immutable`);
  });

  it('name and namespace changes are 400 BadRequest, before validation', async () => {
    const n = await jsonPatch(JOB, [{ op: 'replace', path: '/metadata/name', value: 'renamed' }]);
    expect(n.status).toBe(400);
    expect(n.json).toMatchObject({ reason: 'BadRequest', message: `the name of the object (renamed) does not match the name on the URL (${JOB})` });
    const ns = await merge(JOB, { metadata: { namespace: 'elsewhere', labels: { 'bad key!': 'x' } } });
    expect(ns.status).toBe(400);
    expect(ns.json.message).toBe('the namespace of the provided object does not match the namespace sent on the request');
  });

  it('finalizers and valid ownerReferences are ordinary metadata: 200, stored, no generation bump', async () => {
    const before = t.emu.getJob(NS, JOB)!;
    const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: '11111111-2222-3333-4444-555555555555' };
    const r = await merge(JOB, { metadata: { finalizers: ['example.com/keep'], ownerReferences: [owner] } });
    expect(r.status).toBe(200);
    expect(r.json.metadata.finalizers).toEqual(['example.com/keep']);
    expect(r.json.metadata.ownerReferences).toEqual([owner]);
    expect(r.json.metadata.generation).toBe(before.metadata.generation);
    expect(t.emu.getJob(NS, JOB)!.metadata['finalizers']).toEqual(['example.com/keep']);
    const noUid = await merge(JOB, { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner' }] } });
    expect(noUid.status).toBe(422);
    expect(noUid.json.message).toBe(`Job.batch.volcano.sh "${JOB}" is invalid: metadata.ownerReferences.uid: Invalid value: "": uid must not be empty`);
    const noName = await merge(JOB, { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', uid: 'u' }] } });
    expect(noName.status).toBe(422);
    expect(noName.json.details.causes[0].field).toBe('metadata.ownerReferences.name');
  });

  it('generateName with "/" is 422', async () => {
    const r = await merge(JOB, { metadata: { generateName: 'a/b-' } });
    expect(r.status).toBe(422);
    expect(r.json.message).toBe(`Job.batch.volcano.sh "${JOB}" is invalid: metadata.generateName: Invalid value: "a/b-": may not contain '/'`);
  });

  it('annotation keys are checked lower-cased, label keys as given; the annotation limit counts bytes', async () => {
    expect((await merge(JOB, { metadata: { annotations: { 'Example.com/x': 'v' } } })).status).toBe(200);
    const label = await merge(JOB, { metadata: { labels: { 'Example.com/x': 'v' } } });
    expect(label.status).toBe(422);
    expect(label.json.details.causes[0].field).toBe('metadata.labels');
    // 131,072 two-byte characters: 262,144 bytes, over the limit with the key; as many ASCII characters fit.
    const wide = await merge(JOB, { metadata: { annotations: { big: 'é'.repeat(131_072) } } });
    expect(wide.status).toBe(422);
    expect(wide.json.message).toMatch(/metadata\.annotations: Too long: may not be more than 262144 bytes/);
    expect((await merge(JOB, { metadata: { annotations: { big: 'e'.repeat(131_072) } } })).status).toBe(200);
    expect((await merge(JOB, { metadata: { annotations: { big: null } } })).status).toBe(200);
  });
});

describe('resourceVersion preconditions', () => {
  const mustBeSpecified = (name: string) => ({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `jobs.batch.volcano.sh "${name}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`,
    reason: 'Invalid',
    details: {
      name,
      group: 'batch.volcano.sh',
      kind: 'jobs',
      causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' }],
    },
    code: 422,
  });

  it('"", null or "0", or removing it, is 422 "must be specified for an update" and writes nothing', async () => {
    const rv = rvOf(JOB3);
    for (const value of ['', null, '0']) {
      const r = await cci('PATCH', jobsUrl(NS, JOB3), { body: { metadata: { resourceVersion: value, labels: { w: 'x' } } }, contentType: 'application/merge-patch+json' });
      expect(r.status, String(value)).toBe(422);
      expect(r.json).toEqual(mustBeSpecified(JOB3));
    }
    const removed = await cci('PATCH', jobsUrl(NS, JOB3), {
      body: [{ op: 'remove', path: '/metadata/resourceVersion' }, { op: 'add', path: '/metadata/labels/w', value: 'x' }],
      contentType: 'application/json-patch+json',
    });
    expect(removed.status).toBe(422);
    expect(rvOf(JOB3)).toBe(rv);
  });

  it('a non-numeric one is 500 with an empty reason; a stale one 409', async () => {
    for (const value of ['abc', '-1']) {
      const r = await merge(JOB, { metadata: { resourceVersion: value } });
      expect(r.status).toBe(500);
      expect(r.json).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `strconv.ParseUint: parsing ${JSON.stringify(value)}: invalid syntax`,
        code: 500,
      });
    }
    // ParseUint(rv, 10, 64): past 2^64-1 is the same 500, "value out of range".
    const big = await merge(JOB, { metadata: { resourceVersion: '18446744073709551616', labels: { s: 'x' } } });
    expect(big.status).toBe(500);
    expect(big.json.message).toBe('strconv.ParseUint: parsing "18446744073709551616": value out of range');
    expect(big.json.reason).toBeUndefined();
    const stale = await merge(JOB, { metadata: { resourceVersion: '1', labels: { s: 'x' } } });
    expect(stale.status).toBe(409);
    expect(stale.json.reason).toBe('Conflict');
  });
});

describe('PUT', () => {
  it('replaces the job through the same path: rv required, stale 409, name 400, webhook 400', async () => {
    const cur = t.emu.getJob(NS, JOB3)!;
    const put = (body: unknown) => cci('PUT', jobsUrl(NS, JOB3), { body, contentType: 'application/json' });
    const ok = await put({ ...cur, metadata: { ...cur.metadata, labels: { replaced: 'yes' } } });
    expect(ok.status).toBe(200);
    expect(ok.json.metadata.labels).toEqual({ replaced: 'yes' });
    expect(Number(ok.json.metadata.resourceVersion)).toBeGreaterThan(Number(cur.metadata.resourceVersion));
    const noRv = { ...cur, metadata: { ...cur.metadata, resourceVersion: undefined } };
    expect((await put(noRv)).status).toBe(422);
    expect((await put(cur)).status).toBe(409);
    const fresh = t.emu.getJob(NS, JOB3)!;
    expect((await put({ ...fresh, metadata: { ...fresh.metadata, name: 'x' } })).status).toBe(400);
    const queue = await put({ ...fresh, spec: { ...fresh.spec, queue: 'other' } });
    expect(queue.status).toBe(400);
    expect(queue.json.message).toMatch(/^admission webhook "validatejob.volcano.sh" denied the request: job updates may not change fields other than/);
    expect((await cci('PUT', jobsUrl(NS, JOB3), { body: '{}', contentType: 'text/plain' })).status).toBe(415);
  });
});
