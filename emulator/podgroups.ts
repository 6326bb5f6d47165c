/**
 * Volcano PodGroups (`scheduling.volcano.sh/v1beta1`), the object that says why a gang job waits:
 * Volcano's job controller keeps one per job named `<job>-<uid>` (job_controller_actions.go
 * generateRelatedPodGroupName; before 1.5 the job's own name), and its gang plugin writes an
 * `Unschedulable` condition (reason `NotEnoughResources`) while the gang cannot be placed
 * (plugins/gang/gang.go, api/job_info.go FitError). Here PodGroups are derived from the jobs on every
 * read, so they follow the jobs' phases without extra bookkeeping; tests override status per job.
 * Lists page like the jobs' (limit / continue in name order).
 */
import { createHash } from 'node:crypto';
import { decodeContinue, encodeContinue } from './cci';
import { PODGROUPS_CRD } from './crds';
import { badRequest, notFound } from './k8s-status';
import { matches, parseLabelSelector, SelectorError } from './selector';
import type { JobStore } from './store';
import type { Job } from './types';

export interface PodGroupCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  transitionID?: string;
}

export interface PodGroupStatusOverride {
  phase?: string;
  conditions?: PodGroupCondition[];
  /** Serve the PodGroup under the job's own name (Volcano before 1.5) instead of `<job>-<uid>`. */
  legacyName?: boolean;
  /** No PodGroup at all for this job (a read answers 404). */
  absent?: boolean;
}

export const PODGROUP_API_VERSION = `${PODGROUPS_CRD.group}/${PODGROUPS_CRD.version}`;
export const PODGROUPS_PREFIX = `/apis/${PODGROUP_API_VERSION}/namespaces/`;

/** A UUID-shaped id derived from a seed (stable across reads). */
function derivedUid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Go's sort.Strings over a histogram "<count> <reason>". */
function histogram(entries: Array<[string, number]>): string {
  return entries
    .map(([k, v]) => `${v} ${k}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join(', ');
}

/** The gang plugin's condition message for a gang of which no pod could be placed. */
export function gangUnschedulableMessage(minAvailable: number, pods: number): string {
  const fit = `pod group is not ready, ${histogram([
    ['Pending', pods],
    ['minAvailable', minAvailable],
  ])}; Pending: ${histogram([['Unschedulable', pods]])}`;
  return `${minAvailable}/${pods} tasks in gang unschedulable: ${fit}`;
}

function podGroupPhase(jobPhase: string | undefined): string {
  switch (jobPhase) {
    case 'Pending':
    case 'Inqueue':
      return jobPhase;
    case undefined:
    case '':
      return 'Pending';
    case 'Running':
    case 'Restarting':
    case 'Completing':
    case 'Terminating':
    case 'Aborting':
      return 'Running';
    default:
      return 'Completed';
  }
}

export class PodGroups {
  private readonly overrides = new Map<string, PodGroupStatusOverride>();
  /** When true every PodGroup read answers 403 (an RBAC role without podgroups). */
  forbidden = false;

  constructor(private readonly store: JobStore) {}

  private job(namespace: string, jobName: string): Job | undefined {
    return this.store.get(namespace, jobName)?.job;
  }

  /** The PodGroup name a job has now (`<job>-<uid>`, or the job's name when set to legacy). */
  nameFor(namespace: string, jobName: string): string | undefined {
    const job = this.job(namespace, jobName);
    if (!job) return undefined;
    if (this.overrides.get(`${namespace}/${jobName}`)?.legacyName || !job.metadata.uid) return jobName;
    return `${jobName}-${job.metadata.uid}`;
  }

  /** Merges an override into the job's PodGroup status (`conditions` replace the derived ones). */
  setStatus(namespace: string, jobName: string, o: PodGroupStatusOverride): void {
    if (!this.job(namespace, jobName)) throw new Error(`job ${namespace}/${jobName} not found`);
    const key = `${namespace}/${jobName}`;
    this.overrides.set(key, { ...(this.overrides.get(key) ?? {}), ...o });
  }

  clearOverrides(): void {
    this.overrides.clear();
  }

  private build(namespace: string, job: Job): Record<string, unknown> | undefined {
    const o = this.overrides.get(`${namespace}/${job.metadata.name}`) ?? {};
    if (o.absent) return undefined;
    const name = this.nameFor(namespace, job.metadata.name)!;
    const jobPhase = job.status?.state?.phase;
    const since = job.status?.state?.lastTransitionTime ?? job.metadata.creationTimestamp;
    const minAvailable = job.spec.minAvailable ?? 0;
    const pods = job.spec.tasks.reduce((n, t) => n + (t.replicas ?? 0), 0);
    const phase = o.phase ?? podGroupPhase(jobPhase);
    const transitionID = derivedUid(`transition/${job.metadata.uid ?? ''}/${since ?? ''}`);
    let conditions: PodGroupCondition[];
    if (o.conditions) conditions = o.conditions;
    else if (phase === 'Pending' || phase === 'Inqueue') {
      conditions = [
        {
          type: 'Unschedulable',
          status: 'True',
          transitionID,
          lastTransitionTime: since,
          reason: 'NotEnoughResources',
          message: gangUnschedulableMessage(minAvailable, pods),
        },
      ];
    } else {
      conditions = [{ type: 'Scheduled', status: 'True', transitionID, lastTransitionTime: since, reason: 'tasks in gang are ready to be scheduled', message: '' }];
    }
    const status: Record<string, unknown> = { conditions, phase };
    if (typeof job.status?.running === 'number') status['running'] = job.status.running;
    if (typeof job.status?.succeeded === 'number') status['succeeded'] = job.status.succeeded;
    if (typeof job.status?.failed === 'number') status['failed'] = job.status.failed;
    const minTaskMember: Record<string, number> = {};
    for (const t of job.spec.tasks) minTaskMember[t.name] = t.minAvailable ?? t.replicas ?? 0;
    const metadata: Record<string, unknown> = {
      creationTimestamp: job.metadata.creationTimestamp,
      generation: 1,
      name,
      namespace,
      ownerReferences: [
        { apiVersion: job.apiVersion, blockOwnerDeletion: true, controller: true, kind: 'Job', name: job.metadata.name, uid: job.metadata.uid },
      ],
      resourceVersion: job.metadata.resourceVersion,
      uid: derivedUid(`podgroup/${job.metadata.uid ?? job.metadata.name}`),
    };
    if (job.metadata.labels) metadata['labels'] = job.metadata.labels;
    if (job.metadata.annotations) metadata['annotations'] = job.metadata.annotations;
    const spec: Record<string, unknown> = { minMember: minAvailable, minResources: {}, minTaskMember, queue: job.spec.queue ?? 'default' };
    if (job.spec.priorityClassName) spec['priorityClassName'] = job.spec.priorityClassName;
    return { apiVersion: PODGROUP_API_VERSION, kind: PODGROUPS_CRD.kind, metadata, spec, status };
  }

  /** The PodGroup as the apiserver would return it, or the 404 Status. */
  get(namespace: string, name: string): Record<string, unknown> {
    // `<job>-<uid>`: a UUID is 36 characters; or the job's own name (legacy).
    const candidates = name.length > 37 && name[name.length - 37] === '-' ? [name.slice(0, -37), name] : [name];
    for (const jobName of candidates) {
      if (this.nameFor(namespace, jobName) !== name) continue;
      const pg = this.build(namespace, this.job(namespace, jobName)!);
      if (pg) return pg;
    }
    throw notFound(name, PODGROUPS_CRD.plural, PODGROUPS_CRD.group);
  }

  /** PodGroups of a namespace in name order, filtered by `labelSelector`, paged with `limit` / `continue` like jobs. */
  list(namespace: string, query: URLSearchParams): Record<string, unknown> {
    let reqs;
    try {
      reqs = parseLabelSelector(query.get('labelSelector') ?? '');
    } catch (e) {
      if (e instanceof SelectorError) throw badRequest(e.message);
      throw e;
    }
    const limitRaw = query.get('limit');
    let limit = 0;
    if (limitRaw !== null && limitRaw !== '') {
      if (!/^-?\d+$/.test(limitRaw)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(limitRaw)}: invalid syntax`);
      limit = Math.max(0, Number(limitRaw));
    }
    const cont = query.get('continue');
    const start = cont ? decodeContinue(cont).start : undefined;
    const all: Array<{ name: string; pg: Record<string, unknown> | undefined; job: Job }> = [];
    for (const jobName of this.store.sortedNames(namespace)) {
      const job = this.job(namespace, jobName)!;
      all.push({ name: this.nameFor(namespace, jobName)!, pg: undefined, job });
    }
    all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const items: Record<string, unknown>[] = [];
    let next = '';
    let remaining: number | undefined;
    let lastName: string | undefined;
    for (let i = 0; i < all.length; i++) {
      const e = all[i]!;
      if (start !== undefined && e.name < start) continue;
      if (limit > 0 && items.length >= limit) {
        next = encodeContinue(this.store.rv, `${lastName ?? ''}\u0000`);
        if (reqs.length === 0) remaining = all.length - i;
        break;
      }
      lastName = e.name;
      if (!matches(reqs, e.job.metadata.labels)) continue;
      const pg = this.build(namespace, e.job);
      if (pg) items.push(pg);
    }
    const metadata: Record<string, unknown> = { continue: next, resourceVersion: String(this.store.rv) };
    if (remaining !== undefined) metadata['remainingItemCount'] = remaining;
    return { apiVersion: PODGROUP_API_VERSION, items, kind: PODGROUPS_CRD.listKind, metadata };
  }
}
