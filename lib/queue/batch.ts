/**
 * Applies a batch of queued patch requests (contract "Queue messages"), free of any trigger type:
 * the SQS and FunctionGraph adapters turn their events into `QueueRecord`s and the outcomes back
 * into their platform's answer.
 *
 * Ordering. Records are joined into lanes: two records share a lane when they address the same
 * job or carry the same FIFO group id (transitively). A lane runs sequentially in arrival order;
 * lanes run in parallel, a bounded number at a time, so one job's messages never race each other
 * (the last replica count in the batch wins) while different jobs do not wait for each other.
 *
 * What counts as "failed" for ordering: a record that will be reported back as failed (retryable,
 * skipped, or permanent but not delivered to the failure queue), because those are the records
 * the queue delivers again. Every later record sharing its job or FIFO group is then skipped
 * without being attempted (and is itself reported), so a redelivered earlier message can never
 * overwrite a later one that was applied in the meantime. A permanent failure that reached the
 * failure sink is consumed for good and changed nothing on the job, so it holds nothing back:
 * blocking the rest of its group would only delay them by a redelivery.
 *
 * Deadline. A record is only started while enough time is left for its calls (and their retries)
 * to finish; the rest are reported as failures so they come back, never dropped.
 */
import type { JobApi } from '../cci/port';
import { mapLimited } from '../core/concurrency';
import type { Deadline } from '../core/deadline';
import { AppError, badRequest, toAppError } from '../core/errors';
import { jsonProblem, parseJsonOrReason } from '../core/json';
import type { FailureSink, PermanentFailure } from './failure-sink';
import { applyPatchBody } from '../patch/apply';
import { assertValidJobRef } from '../job/ref';
import type { Logger } from '../core/log';
import { assertNamespaceAllowed } from '../job/namespaces';
import { parseQueueMessage, patchBodyOf, type QueueMessage } from '../patch/schema';

export interface QueueRecord {
  /** The platform's message id (SQS messageId; `r<i>m<j>` on FunctionGraph). */
  id: string;
  body: string;
  /** FIFO message group id, when the queue has one. */
  groupId?: string;
}

export type RecordOutcome =
  | { id: string; status: 'ok' }
  /** Never retried: handed to the failure sink (log, failure queue). */
  | { id: string; status: 'permanent'; reason: string; error: AppError }
  | { id: string; status: 'retryable'; reason: string; error?: AppError }
  /** Not attempted; reported as failed so that it comes back. */
  | { id: string; status: 'skipped'; reason: string };

export const SKIP_FIFO = 'earlier message of FIFO group failed';
export const SKIP_JOB = 'earlier message for the same job failed';
export const SKIP_DEADLINE = 'deadline';

export interface QueueProcessorOptions {
  client: JobApi;
  deadline: Deadline;
  /** `ALLOWED_NAMESPACES` as configured. */
  allowedNamespaces: string | undefined;
  failureSink: FailureSink;
  log: Logger;
  /** Lanes (jobs) worked on at the same time. */
  concurrency?: number;
  /** A record starts only with at least this much time left; default max(1.5 s, 10% of the budget). */
  minStartMs?: number;
}

export const DEFAULT_CONCURRENCY = 5;

/** Whether the outcome makes the platform deliver the record again. */
export function isReportedFailure(o: RecordOutcome): boolean {
  return o.status === 'retryable' || o.status === 'skipped';
}

interface Prepared {
  index: number;
  record: QueueRecord;
  message?: QueueMessage;
  /** Set when the record can never be applied, whatever CCI says. */
  invalid?: AppError;
  keys: string[];
}

function parseJson(body: string): unknown {
  const parsed = parseJsonOrReason(body);
  if (!parsed.ok) throw badRequest('invalid-json', `The message body is not valid JSON: ${parsed.reason}`);
  const problem = jsonProblem(parsed.value);
  if (problem) throw badRequest('invalid-json', `The message body cannot be used: ${problem}`);
  return parsed.value;
}

/** Everything that can be refused without calling CCI: JSON, schema, names, the allow-list. */
function prepare(record: QueueRecord, index: number, allowedNamespaces: string | undefined): Prepared {
  const groupKeys = record.groupId !== undefined ? [`group:${record.groupId}`] : [];
  try {
    const message = parseQueueMessage(parseJson(record.body));
    assertValidJobRef(
      message.namespace,
      message.name,
      { namespace: '/namespace', name: '/name' },
      'invalid-name',
      'namespace and name must be valid Kubernetes names (DNS-1123)',
    );
    assertNamespaceAllowed(allowedNamespaces, message.namespace);
    return { index, record, message, keys: [`job:${message.namespace}/${message.name}`, ...groupKeys] };
  } catch (err) {
    // An unusable record touches no job: it only takes part in its FIFO group's order.
    return { index, record, invalid: toAppError(err), keys: groupKeys };
  }
}

/** Union-find over shared keys; lanes come back ordered by their first record. */
function lanesOf(prepared: Prepared[]): Prepared[][] {
  const parent = prepared.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const owner = new Map<string, number>();
  for (const p of prepared) {
    for (const key of p.keys) {
      const other = owner.get(key);
      if (other === undefined) owner.set(key, p.index);
      else parent[find(p.index)] = find(other);
    }
  }
  const lanes = new Map<number, Prepared[]>();
  for (const p of prepared) {
    const root = find(p.index);
    const lane = lanes.get(root);
    if (lane) lane.push(p);
    else lanes.set(root, [p]);
  }
  return [...lanes.values()].sort((a, b) => a[0]!.index - b[0]!.index);
}

export function describeError(err: AppError): string {
  return `${err.status} ${err.title}: ${err.message}`;
}

export async function processQueueRecords(records: readonly QueueRecord[], opts: QueueProcessorOptions): Promise<RecordOutcome[]> {
  const started = Date.now();
  const minStartMs = opts.minStartMs ?? Math.max(1500, opts.deadline.remaining() * 0.1);
  const outcomes: RecordOutcome[] = new Array(records.length);
  /** Permanent failures whose delivery nobody waits for: settled after the final flush. */
  const deferred: Array<{ p: Prepared; error: AppError; delivered: Promise<boolean> }> = [];

  const prepared = records.map((r, i) => prepare(r, i, opts.allowedNamespaces));
  const lanes = lanesOf(prepared);

  const logFields = (p: Prepared, error: AppError) => ({
    messageId: p.record.id,
    status: error.status,
    code: error.code,
    detail: error.message,
    namespace: p.message?.namespace,
    job: p.message?.name,
  });

  const permanent = (p: Prepared, error: AppError): PermanentFailure => {
    const reason = describeError(error);
    opts.log.warn('message refused for good', logFields(p, error));
    return {
      messageId: p.record.id,
      originalBody: p.record.body,
      error,
      reason,
      ...(p.record.groupId !== undefined ? { groupId: p.record.groupId } : {}),
      ...(p.message ? { namespace: p.message.namespace, name: p.message.name } : {}),
    };
  };

  async function runLane(lane: Prepared[]): Promise<void> {
    const failedKeys = new Set<string>();
    const fail = (p: Prepared, outcome: RecordOutcome) => {
      outcomes[p.index] = outcome;
      for (const key of p.keys) failedKeys.add(key);
    };
    for (let i = 0; i < lane.length; i++) {
      const p = lane[i]!;
      const blockedBy = p.keys.find((k) => failedKeys.has(k));
      if (blockedBy !== undefined) {
        fail(p, { id: p.record.id, status: 'skipped', reason: blockedBy.startsWith('group:') ? SKIP_FIFO : SKIP_JOB });
        continue;
      }

      let error = p.invalid;
      if (!error) {
        if (opts.deadline.remaining() < minStartMs) {
          fail(p, { id: p.record.id, status: 'skipped', reason: SKIP_DEADLINE });
          continue;
        }
        try {
          const message = p.message!;
          await applyPatchBody({ client: opts.client, deadline: opts.deadline }, message.namespace, message.name, patchBodyOf(message));
          outcomes[p.index] = { id: p.record.id, status: 'ok' };
          continue;
        } catch (err) {
          error = toAppError(err);
          if (error.retryable) {
            opts.log.warn('message failed, will come back', logFields(p, error));
            fail(p, { id: p.record.id, status: 'retryable', reason: describeError(error), error });
            continue;
          }
        }
      }

      const delivered = opts.failureSink.add(permanent(p, error));
      const groupKey = p.keys.find((k) => k.startsWith('group:'));
      const orderMatters = groupKey !== undefined && lane.slice(i + 1).some((later) => later.keys.includes(groupKey));
      if (!orderMatters) {
        outcomes[p.index] = { id: p.record.id, status: 'permanent', reason: describeError(error), error };
        deferred.push({ p, error, delivered });
        continue;
      }
      // Later records of this FIFO group may only go ahead if this one is consumed for good.
      await opts.failureSink.flush();
      if (await delivered) outcomes[p.index] = { id: p.record.id, status: 'permanent', reason: describeError(error), error };
      else fail(p, { id: p.record.id, status: 'retryable', reason: `failure queue send failed (${describeError(error)})`, error });
    }
  }

  await mapLimited(lanes, opts.concurrency ?? DEFAULT_CONCURRENCY, runLane);

  await opts.failureSink.flush();
  for (const { p, error, delivered } of deferred) {
    // Not delivered: report it so the queue brings it back, rather than losing it silently.
    if (!(await delivered)) {
      outcomes[p.index] = { id: p.record.id, status: 'retryable', reason: `failure queue send failed (${describeError(error)})`, error };
    }
  }

  const count = (s: RecordOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  opts.log.info('batch done', {
    records: records.length,
    lanes: lanes.length,
    ok: count('ok'),
    permanent: count('permanent'),
    retryable: count('retryable'),
    skipped: count('skipped'),
    ms: Date.now() - started,
  });
  return outcomes;
}
