/**
 * Test data written straight into the store, bypassing the API (no validation, no webhook):
 * seeding, `putJob`, bulk `createJobs` for paging and sweep tests, and `setPhase` (a status write,
 * as Volcano's controller would make it).
 */
import { randomUUID } from 'node:crypto';
import { nowSeconds, selfLink } from './cci';
import { SEED_JOBS } from './seed-jobs';
import { canonical, type JobStore } from './store';
import type { BulkJobOptions, Job } from './types';

export type { BulkJobOptions } from './types';

export class Fixtures {
  constructor(private readonly store: JobStore) {}

  seed(): void {
    for (const job of SEED_JOBS) this.store.set(job.metadata.namespace!, canonical(job));
  }

  getJob(namespace: string, name: string): Job | undefined {
    const e = this.store.get(namespace, name);
    return e ? (JSON.parse(e.json) as Job) : undefined;
  }

  putJob(namespace: string, job: Job): Job {
    const copy = JSON.parse(JSON.stringify(job)) as Job;
    copy.apiVersion ??= 'batch.volcano.sh/v1alpha1';
    copy.kind ??= 'Job';
    copy.metadata ??= { name: '' };
    copy.metadata.namespace = namespace;
    copy.metadata.uid ??= randomUUID();
    copy.metadata.creationTimestamp ??= nowSeconds();
    if (typeof copy.metadata.generation !== 'number') copy.metadata.generation = 1;
    copy.metadata.selfLink = selfLink(namespace, copy.metadata.name);
    copy.metadata.resourceVersion = this.store.nextRv();
    const entry = this.store.set(namespace, canonical(copy));
    return JSON.parse(entry.json) as Job;
  }

  createJobs(namespace: string, count: number, o: BulkJobOptions = {}): void {
    const prefix = o.prefix ?? 'job';
    const phase = o.phase ?? 'Running';
    const ltt = o.lastTransitionTime ?? nowSeconds();
    const created = nowSeconds();
    const width = Math.max(5, String(count).length);
    const counted = new Set(['Pending', 'Running', 'Completed', 'Failed']);
    let i = 0;
    let made = 0;
    while (made < count) {
      const name = `${prefix}-${String(i).padStart(width, '0')}`;
      i++;
      if (this.store.has(namespace, name)) continue;
      const status: Record<string, unknown> = { minAvailable: 1, state: { lastTransitionTime: ltt, phase } };
      if (counted.has(phase)) status[phase === 'Completed' ? 'succeeded' : phase.toLowerCase()] = 1;
      const job: Job = {
        apiVersion: 'batch.volcano.sh/v1alpha1',
        kind: 'Job',
        metadata: {
          creationTimestamp: created,
          generation: 1,
          name,
          namespace,
          resourceVersion: this.store.nextRv(),
          selfLink: selfLink(namespace, name),
          uid: randomUUID(),
        },
        spec: {
          minAvailable: 1,
          queue: 'default',
          schedulerName: 'volcano',
          tasks: [
            {
              minAvailable: 1,
              name: 'worker',
              replicas: 1,
              template: { spec: { containers: [{ command: ['sleep', '3600'], image: 'busybox:1.36', name: 'worker' }], restartPolicy: 'OnFailure' } },
            },
          ],
        },
        status,
      };
      if (o.labels && Object.keys(o.labels).length > 0) job.metadata.labels = { ...o.labels };
      this.store.set(namespace, canonical(job), undefined, true);
      made++;
    }
  }

  setPhase(namespace: string, name: string, phase: string, lastTransitionTime?: string): void {
    const entry = this.store.get(namespace, name);
    if (!entry) throw new Error(`job ${namespace}/${name} not found`);
    const job = JSON.parse(entry.json) as Job;
    const status = (job.status ??= {});
    status.state = { ...(status.state ?? {}), phase, lastTransitionTime: lastTransitionTime ?? nowSeconds() };
    job.metadata.resourceVersion = this.store.nextRv();
    this.store.set(namespace, canonical(job));
  }
}
