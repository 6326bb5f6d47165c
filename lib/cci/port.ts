/**
 * The Volcano Job API as the features use it (patch, queue, sweep take this port, never the
 * concrete client), with the request options it understands. The adapter is lib/cci/client.ts;
 * tests may hand the features anything that satisfies it.
 */
import type { Deadline } from '../core/deadline';
import type { VolcanoJob, VolcanoJobList } from '../job/model';
import type { PodGroup } from '../job/podgroup';

export const PATCH_TYPES = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
} as const;
export type PatchContentType = (typeof PATCH_TYPES)[keyof typeof PATCH_TYPES];

/** The fieldManager our writes carry unless the caller names one. */
export const DEFAULT_FIELD_MANAGER = 'volcano-job-functions';

export interface PatchOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

export interface ListOptions {
  labelSelector?: string;
  limit?: number;
  continue?: string;
}

export interface JobApi {
  getJob(namespace: string, name: string, deadline: Deadline): Promise<VolcanoJob>;
  patchJob(namespace: string, name: string, contentType: PatchContentType, patch: string, opts: PatchOptions, deadline: Deadline): Promise<VolcanoJob>;
  listJobs(namespace: string, opts: ListOptions, deadline: Deadline): Promise<VolcanoJobList>;
  /**
   * A PodGroup (`scheduling.volcano.sh/v1beta1`) by name. CCI may not serve them: its 404 is the
   * AppError 404, its 403 the AppError 502 `cci-forbidden`, as for jobs.
   */
  getPodGroup(namespace: string, name: string, deadline: Deadline): Promise<PodGroup>;
}
