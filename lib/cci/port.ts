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

/**
 * For a caller that does not read the patched job (the sweep's annotation writes): the answer of a
 * successful PATCH is neither parsed nor checked, and the call resolves to undefined. Any other
 * answer fails exactly as without it.
 */
export type DiscardAnswer = { discardAnswer: true };

export interface JobApi {
  getJob(namespace: string, name: string, deadline: Deadline): Promise<VolcanoJob>;
  patchJob(namespace: string, name: string, contentType: PatchContentType, patch: string, opts: PatchOptions & DiscardAnswer, deadline: Deadline): Promise<VolcanoJob | undefined>;
  patchJob(namespace: string, name: string, contentType: PatchContentType, patch: string, opts: PatchOptions & { discardAnswer?: false }, deadline: Deadline): Promise<VolcanoJob>;
  listJobs(namespace: string, opts: ListOptions, deadline: Deadline): Promise<VolcanoJobList>;
  /**
   * The same page, its answer handed to `read` as bytes rather than parsed here (the sweep reads it
   * one job at a time: job/model scanJobList). The bytes sit in a buffer that serves the next
   * answer once `read` returns: keep nothing that points into it. `read` answering undefined (not
   * a JobList) is the 502 `listJobs` gives.
   */
  readJobList<T>(namespace: string, opts: ListOptions, deadline: Deadline, read: (body: Buffer) => T | undefined): Promise<T>;
  /**
   * A PodGroup (`scheduling.volcano.sh/v1beta1`) by name. CCI may not serve them: its 404 is the
   * AppError 404, its 403 the AppError 502 `cci-forbidden`, as for jobs.
   */
  getPodGroup(namespace: string, name: string, deadline: Deadline): Promise<PodGroup>;
}
