/**
 * The Volcano Job API as the features use it (patch, queue, sweep take this port, never the
 * concrete client), with the request options it understands. The adapter is lib/cci/client.ts;
 * tests may hand the features anything that satisfies it.
 */
import type { Deadline } from '../core/deadline';
import type { VolcanoJob, VolcanoJobList } from '../job/model';

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
}
