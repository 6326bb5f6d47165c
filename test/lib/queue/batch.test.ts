/**
 * The queue processor with a stub CCI client: lanes, ordering, concurrency bound, FIFO and
 * same-job hold-back, deadline, failure sink outcomes.
 */
import { describe, expect, it } from 'vitest';
import type { CciClient } from '../../../lib/cci/client';
import { Deadline } from '../../../lib/core/deadline';
import { AppError } from '../../../lib/core/errors';
import { logOnlySink, type FailureSink, type PermanentFailure } from '../../../lib/queue/failure-sink';
import { silentLogger } from '../../support/log';
import { processQueueRecords, SKIP_DEADLINE, SKIP_FIFO, SKIP_JOB, type QueueRecord, type RecordOutcome } from '../../../lib/queue/batch';

const NS = 'ns-a';
const silent = silentLogger();

interface StubOptions {
  /** Per job name: error to throw. */
  fail?: Record<string, AppError>;
  delayMs?: number;
}

function stubClient(o: StubOptions = {}) {
  const calls: Array<{ name: string; body: string }> = [];
  let active = 0;
  let maxActive = 0;
  const client = {
    async patchJob(_ns: string, name: string, _type: string, body: string) {
      active++;
      maxActive = Math.max(maxActive, active);
      calls.push({ name, body });
      await new Promise((r) => setTimeout(r, o.delayMs ?? 2));
      active--;
      const err = o.fail?.[name];
      if (err) throw err;
      return { metadata: { name, namespace: NS } };
    },
    async getJob() {
      throw new Error('not used');
    },
  } as unknown as CciClient;
  return { client, calls, maxActive: () => maxActive };
}

function recordingSink(deliver = true): FailureSink & { sent: PermanentFailure[]; flushes: number } {
  const pending: Array<{ f: PermanentFailure; resolve: (ok: boolean) => void }> = [];
  const sink = {
    sent: [] as PermanentFailure[],
    flushes: 0,
    add: (f: PermanentFailure) => new Promise<boolean>((resolve) => pending.push({ f, resolve })),
    flush: async () => {
      sink.flushes++;
      for (const { f, resolve } of pending.splice(0)) {
        if (deliver) sink.sent.push(f);
        resolve(deliver);
      }
    },
  };
  return sink;
}

const label = (name: string, value: string, groupId?: string, id = `${name}:${value}`): QueueRecord => ({
  id,
  body: JSON.stringify({ namespace: NS, name, labels: { step: value } }),
  ...(groupId ? { groupId } : {}),
});

const unavailable = () => new AppError(503, 'cci-unavailable', 'down');

async function run(records: QueueRecord[], o: { client: CciClient; sink?: FailureSink; deadlineMs?: number; minStartMs?: number; concurrency?: number }) {
  return processQueueRecords(records, {
    client: o.client,
    deadline: Deadline.after(o.deadlineMs ?? 20_000),
    allowedNamespaces: NS,
    failureSink: o.sink ?? logOnlySink(),
    log: silent,
    ...(o.minStartMs !== undefined ? { minStartMs: o.minStartMs } : {}),
    ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
  });
}

const statuses = (out: RecordOutcome[]) => out.map((o) => (o.status === 'skipped' ? `skipped:${o.reason}` : o.status));

describe('processQueueRecords', () => {
  it('applies one job in arrival order and different jobs in parallel, at most `concurrency` at a time', async () => {
    const stub = stubClient({ delayMs: 15 });
    const records = [];
    for (let i = 0; i < 3; i++) for (const job of ['j1', 'j2', 'j3', 'j4', 'j5', 'j6', 'j7']) records.push(label(job, String(i)));
    const out = await run(records, { client: stub.client, concurrency: 3 });
    expect(out.every((o) => o.status === 'ok')).toBe(true);
    expect(stub.maxActive()).toBe(3);
    for (const job of ['j1', 'j4', 'j7']) {
      expect(stub.calls.filter((c) => c.name === job).map((c) => JSON.parse(c.body).metadata.labels.step)).toEqual(['0', '1', '2']);
    }
  });

  it('a FIFO group ties jobs into one lane; a retryable failure skips the rest of the group and of the jobs it touched', async () => {
    const stub = stubClient({ fail: { bad: unavailable() } });
    const out = await run(
      [
        label('bad', '1', 'G'), // retryable
        label('other', '1', 'H'), // ok: different group, different job
        label('x', '1', 'G'), // skipped: group G failed
        label('x', '2'), // skipped: job x was reported failed (it comes back before this one would apply)
        label('bad', '2', 'H'), // skipped: job "bad" failed
        label('other', '2', 'H'), // skipped: group H now has a reported failure
        label('y', '1'), // ok
      ],
      { client: stub.client },
    );
    expect(statuses(out)).toEqual(['retryable', 'ok', `skipped:${SKIP_FIFO}`, `skipped:${SKIP_JOB}`, `skipped:${SKIP_JOB}`, `skipped:${SKIP_FIFO}`, 'ok']);
    expect(stub.calls.map((c) => c.name).sort()).toEqual(['bad', 'other', 'y']);
  });

  it('a permanent failure delivered to the sink holds nothing back; undelivered, it does (FIFO) and is reported', async () => {
    const ok = recordingSink(true);
    const out1 = await run([{ id: 'p', body: 'nope', groupId: 'G' }, label('a', '1', 'G')], { client: stubClient().client, sink: ok });
    expect(statuses(out1)).toEqual(['permanent', 'ok']);
    expect(ok.sent.map((f) => f.messageId)).toEqual(['p']);

    const broken = recordingSink(false);
    const out2 = await run([{ id: 'p', body: 'nope', groupId: 'G' }, label('a', '1', 'G'), { id: 'q', body: '[]' }], {
      client: stubClient().client,
      sink: broken,
    });
    expect(statuses(out2)).toEqual(['retryable', `skipped:${SKIP_FIFO}`, 'retryable']);
    expect(out2[2]).toMatchObject({ reason: expect.stringMatching(/^failure queue send failed \(400 /) });
  });

  it('non-FIFO permanent failures are flushed to the sink once, at the end', async () => {
    const sink = recordingSink();
    const stub = stubClient({ fail: { gone: new AppError(404, 'job-not-found', 'No such job', { retryable: false }) } });
    const out = await run([{ id: 'a', body: '{' }, label('gone', '1'), { id: 'b', body: JSON.stringify({ namespace: 'ns-b', name: 'j', labels: {} }) }], {
      client: stub.client,
      sink,
    });
    expect(out.map((o) => o.status)).toEqual(['permanent', 'permanent', 'permanent']);
    expect(sink.flushes).toBe(1);
    expect(sink.sent.map((f) => [f.messageId, f.error.status])).toEqual([
      ['a', 400],
      ['b', 403],
      ['gone:1', 404],
    ]);
  });

  it('refuses invalid names before calling CCI', async () => {
    const stub = stubClient();
    const out = await run([{ id: 'n', body: JSON.stringify({ namespace: NS, name: 'UPPER/../x', labels: { a: 'b' } }) }], { client: stub.client });
    expect(out[0]).toMatchObject({ status: 'permanent', error: { status: 400, code: 'invalid-name' } });
    expect(stub.calls).toHaveLength(0);
  });

  it('records not started before the time runs low are reported, started ones finish', async () => {
    const stub = stubClient({ delayMs: 300 });
    const out = await run([label('a', '1'), label('a', '2'), label('b', '1')], { client: stub.client, deadlineMs: 3_000, minStartMs: 2_850 });
    expect(statuses(out)).toEqual(['ok', `skipped:${SKIP_DEADLINE}`, 'ok']);
  });
});
