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

/**
 * On a list answer from the client: the length of its JSON text. Lets the sweep size its pages by
 * memory (a page of large jobs gets a smaller `limit`); a symbol, so it never reaches JSON output.
 */
export const ANSWER_CHARS: unique symbol = Symbol();

/** A page of jobs as `listJobs` returns it. */
export type JobListPage = VolcanoJobList & { [ANSWER_CHARS]?: number };

export interface JobApi {
  getJob(namespace: string, name: string, deadline: Deadline): Promise<VolcanoJob>;
  patchJob(namespace: string, name: string, contentType: PatchContentType, patch: string, opts: PatchOptions & DiscardAnswer, deadline: Deadline): Promise<VolcanoJob | undefined>;
  patchJob(namespace: string, name: string, contentType: PatchContentType, patch: string, opts: PatchOptions & { discardAnswer?: false }, deadline: Deadline): Promise<VolcanoJob>;
  listJobs(namespace: string, opts: ListOptions, deadline: Deadline): Promise<JobListPage>;
  /**
   * A PodGroup (`scheduling.volcano.sh/v1beta1`) by name. CCI may not serve them: its 404 is the
   * AppError 404, its 403 the AppError 502 `cci-forbidden`, as for jobs.
   */
  getPodGroup(namespace: string, name: string, deadline: Deadline): Promise<PodGroup>;
}
