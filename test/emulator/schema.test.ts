/**
 * The CRD's structural schema (emulator/schema.ts): unknown fields are pruned (200, not stored, no
 * write, a Warning unless fieldValidation=Ignore; 400 with Strict), and minimum / minItems are 422.
 */
import { describe, expect, it } from 'vitest';
import { cci, JOB, jobsUrl, merge, NS, useEmulator } from './support';

const t = useEmulator();

describe('unknown fields', () => {
  it('an unknown top-level or spec field is pruned: 200, not stored, no write, a Warning header', async () => {
    const before = t.emu.getJob(NS, JOB)!;
    const r = await merge(JOB, { foo: 'bar', spec: { foo: 1 } });
    expect(r.status).toBe(200);
    expect(r.json.foo).toBeUndefined();
    expect(r.json.spec.foo).toBeUndefined();
    expect(r.headers.get('warning')).toBe('299 - "unknown field \\"foo\\"", 299 - "unknown field \\"spec.foo\\""');
    expect(t.emu.getJob(NS, JOB)).toEqual(before);
  });

  it('a task-level unknown field is pruned too, next to a real change that is kept', async () => {
    const r = await cci('PATCH', jobsUrl(NS, JOB), {
      body: [
        { op: 'add', path: '/spec/tasks/0/bogus', value: true },
        { op: 'add', path: '/metadata/labels/kept', value: 'yes' },
      ],
      contentType: 'application/json-patch+json',
    });
    expect(r.status).toBe(200);
    expect(r.json.spec.tasks[0].bogus).toBeUndefined();
    expect(r.json.metadata.labels.kept).toBe('yes');
  });

  it('fieldValidation=Ignore says nothing, Strict refuses with 400, Bogus is 422', async () => {
    const ignore = await merge(JOB, { foo: 'bar' }, 'fieldValidation=Ignore');
    expect(ignore.status).toBe(200);
    expect(ignore.headers.get('warning')).toBeNull();
    const strict = await merge(JOB, { spec: { foo: 1 } }, 'fieldValidation=Strict');
    expect(strict.status).toBe(400);
    expect(strict.json).toMatchObject({ reason: 'BadRequest', message: 'strict decoding error: unknown field "spec.foo"' });
    const bogus = await merge(JOB, { metadata: { labels: { a: 'b' } } }, 'fieldValidation=Bogus');
    expect(bogus.status).toBe(422);
    expect(bogus.json.message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Bogus": supported values: "", "Ignore", "Strict", "Warn"');
  });
});

describe('schema checks', () => {
  it('tasks: [] fails minItems and a negative minAvailable fails minimum, with 422', async () => {
    const empty = await merge(JOB, { spec: { tasks: [] } });
    expect(empty.status).toBe(422);
    expect(empty.json.message).toBe(`Job.batch.volcano.sh "${JOB}" is invalid: spec.tasks: Invalid value: 0: spec.tasks in body should have at least 1 items`);
    const neg = await merge(JOB, { spec: { minAvailable: -1 } });
    expect(neg.status).toBe(422);
    expect(neg.json.details.causes[0]).toEqual({
      reason: 'FieldValueInvalid',
      message: 'Invalid value: -1: spec.minAvailable in body should be greater than or equal to 0',
      field: 'spec.minAvailable',
    });
    const type = await merge(JOB, { spec: { queue: 3 } });
    expect(type.status).toBe(422);
    expect(type.json.details.causes[0].field).toBe('spec.queue');
  });
});
