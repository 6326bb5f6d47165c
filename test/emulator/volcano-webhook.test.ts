/**
 * Volcano's validating webhook on updates (emulator/volcano-webhook.ts): every denial is HTTP 400
 * with a Status carrying only the message (no reason, no details), dryRun included; the fields it
 * lets change (replicas, minAvailable, priorityClassName) pass.
 */
import { describe, expect, it } from 'vitest';
import { cci, JOB3, jobsUrl, NS, useEmulator } from './support';

const t = useEmulator();
const DENIED = 'admission webhook "validatejob.volcano.sh" denied the request: ';
const OTHER_FIELDS = 'job updates may not change fields other than `minAvailable`, `tasks[*].replicas under spec` and `PriorityClassName`';
const send = (body: unknown, type = 'application/merge-patch+json', query = '') => cci('PATCH', jobsUrl(NS, JOB3, query), { body, contentType: type });

function expectDenied(r: { status: number; json: Record<string, unknown> }, message: string): void {
  expect(r.status).toBe(400);
  expect(r.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: DENIED + message, code: 400 });
}

describe('Volcano webhook denials', () => {
  it('adding, removing or nulling tasks', async () => {
    const job = t.emu.getJob(NS, JOB3)!;
    const extra = { ...job.spec.tasks[1]!, name: 'extra' };
    expectDenied(await send([{ op: 'add', path: '/spec/tasks/-', value: extra }], 'application/json-patch+json'), 'job updates may not add or remove tasks');
    expectDenied(await send([{ op: 'remove', path: '/spec/tasks/1' }], 'application/json-patch+json'), 'job updates may not add or remove tasks');
    // The webhook checks the totals first: no tasks left is below the job's minAvailable (1).
    expectDenied(await send({ spec: { minAvailable: 1, tasks: [job.spec.tasks[0]] } }), 'job updates may not add or remove tasks');
    expectDenied(await send({ spec: { tasks: null } }), "job 'minAvailable' must not be greater than total replicas");
    expectDenied(await send({ spec: { minAvailable: 0, tasks: null } }), 'job updates may not add or remove tasks');
  });

  it('policies, queue, schedulerName, plugins, maxRetry, a task name or template', async () => {
    const job = t.emu.getJob(NS, JOB3)!;
    const patches: unknown[] = [
      [{ op: 'add', path: '/spec/policies', value: [{ event: 'PodEvicted', action: 'RestartJob' }] }],
      [{ op: 'replace', path: '/spec/queue', value: 'other' }],
      [{ op: 'replace', path: '/spec/schedulerName', value: 'default-scheduler' }],
      [{ op: 'add', path: '/spec/plugins', value: { ssh: [] } }],
      [{ op: 'add', path: '/spec/maxRetry', value: 9 }],
      [{ op: 'replace', path: '/spec/tasks/0/name', value: 'renamed' }],
      [{ op: 'add', path: '/spec/tasks/0/template/metadata', value: { labels: { a: 'b' } } }],
    ];
    for (const p of patches) expectDenied(await send(p, 'application/json-patch+json'), OTHER_FIELDS);
    expect(t.emu.getJob(NS, JOB3)).toEqual(job);
  });

  it('task minAvailable above its replicas, job minAvailable above the total, on dryRun=All too', async () => {
    expectDenied(await send([{ op: 'replace', path: '/spec/tasks/1/minAvailable', value: 99 }], 'application/json-patch+json'), "'minAvailable' must be <= 'replicas' in task: mpiworker");
    expectDenied(await send({ spec: { minAvailable: 99 } }, 'application/merge-patch+json', 'dryRun=All'), "job 'minAvailable' must not be greater than total replicas");
  });

  it('lets replicas, minAvailable and priorityClassName change', async () => {
    const r = await send(
      [
        { op: 'replace', path: '/spec/tasks/1/replicas', value: 5 },
        { op: 'replace', path: '/spec/tasks/1/minAvailable', value: 4 },
        { op: 'replace', path: '/spec/minAvailable', value: 2 },
        { op: 'add', path: '/spec/priorityClassName', value: 'high' },
      ],
      'application/json-patch+json',
    );
    expect(r.status).toBe(200);
    expect(r.json.spec.tasks[1]).toMatchObject({ replicas: 5, minAvailable: 4 });
    expect(r.json.spec.priorityClassName).toBe('high');
  });
});
