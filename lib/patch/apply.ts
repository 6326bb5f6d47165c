/**
 * Applies patch requests to a job without losing concurrent updates:
 * - label/annotation-only changes go out as one merge patch on the maps (the apiserver merges
 *   them into the stored object, so concurrent writers all land);
 * - replica and minAvailable changes read the job, rebuild `spec.tasks` and send it with the read
 *   `metadata.resourceVersion` as a precondition; on 409 they re-read and rebuild, a bounded
 *   number of times (client-go's RetryOnConflict);
 * - a `resourceVersion` in the request is the caller's precondition: a mismatch is a final 409.
 */
import { PATCH_TYPES, DEFAULT_FIELD_MANAGER, type JobApi, type PatchContentType } from '../cci/port';
import { AppError } from '../core/errors';
import type { Deadline } from '../core/deadline';
import { retryOnConflict } from '../upstream/retry';
import { assertValidMetadata, metadataAlreadyApplied, metadataPatch, planSpecChange } from './plan';
import type { PatchBody } from './schema';
import { checkTasksReplacement, validateJsonPatch, validateMergePatch } from './raw';
import type { VolcanoJob } from '../job/model';

export interface PatchContext {
  client: JobApi;
  deadline: Deadline;
  fieldManager?: string;
}

export { DEFAULT_FIELD_MANAGER } from '../cci/port';

function preconditionFailed(namespace: string, name: string, expected: string, actual: string | undefined): AppError {
  const where = actual === undefined ? 'has moved on from' : `is at resourceVersion ${actual}, not`;
  return new AppError(409, 'precondition-failed', `Job "${namespace}/${name}" ${where} resourceVersion ${expected} the request expected; read it again and retry`, {
    retryable: false,
  });
}

function isConflict(err: unknown): err is AppError {
  return err instanceof AppError && err.status === 409;
}

/**
 * Sends one patch. A 409 on a patch carrying the caller's own resourceVersion is their
 * precondition failing (final); without one it is our read going stale (retried by the caller).
 */
async function send(
  ctx: PatchContext,
  namespace: string,
  name: string,
  contentType: PatchContentType,
  patch: string,
  opts: { dryRun: boolean; fieldManager: string },
  callerVersion: string | undefined,
): Promise<VolcanoJob> {
  try {
    return await ctx.client.patchJob(namespace, name, contentType, patch, opts, ctx.deadline);
  } catch (err) {
    if (isConflict(err) && callerVersion !== undefined) throw preconditionFailed(namespace, name, callerVersion, undefined);
    throw err;
  }
}

export async function applyPatchBody(ctx: PatchContext, namespace: string, name: string, body: PatchBody): Promise<VolcanoJob> {
  assertValidMetadata(body);
  const opts = { dryRun: body.dryRun === true, fieldManager: body.fieldManager ?? ctx.fieldManager ?? DEFAULT_FIELD_MANAGER };
  const metadata = metadataPatch(body);

  if (body.replicas === undefined && body.minAvailable === undefined) {
    if (body.resourceVersion !== undefined) metadata.resourceVersion = body.resourceVersion;
    return send(ctx, namespace, name, PATCH_TYPES.merge, JSON.stringify({ metadata }), opts, body.resourceVersion);
  }

  return retryOnConflict(ctx.deadline, `Job "${namespace}/${name}"`, async () => {
    const job = await ctx.client.getJob(namespace, name, ctx.deadline);
    const readVersion = job.metadata.resourceVersion;
    if (body.resourceVersion !== undefined && readVersion !== body.resourceVersion) {
      throw preconditionFailed(namespace, name, body.resourceVersion, readVersion);
    }
    const plan = planSpecChange(job, body);
    if (!plan.spec && metadataAlreadyApplied(job, body)) return job; // already as asked: nothing to write
    const patch: Record<string, unknown> = { metadata: { ...metadata, resourceVersion: readVersion } };
    if (plan.spec) patch.spec = plan.spec;
    return send(ctx, namespace, name, PATCH_TYPES.merge, JSON.stringify(patch), opts, body.resourceVersion);
  });
}

export interface RawPatchOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

/** Forwards a caller-built merge patch or JSON patch once every touched path is allowed. */
export async function applyRawPatch(
  ctx: PatchContext,
  namespace: string,
  name: string,
  contentType: PatchContentType,
  doc: unknown,
  rawText: string,
  options: RawPatchOptions,
): Promise<VolcanoJob> {
  const opts = { dryRun: options.dryRun === true, fieldManager: options.fieldManager ?? ctx.fieldManager ?? DEFAULT_FIELD_MANAGER };
  if (contentType === PATCH_TYPES.json) {
    validateJsonPatch(doc);
    return ctx.client.patchJob(namespace, name, contentType, rawText, opts, ctx.deadline);
  }
  const { touchesTasks } = validateMergePatch(doc);
  const patch = doc as { metadata?: Record<string, unknown>; spec: { tasks: unknown[] } };
  const callerVersion = typeof patch.metadata?.resourceVersion === 'string' ? patch.metadata.resourceVersion : undefined;
  if (!touchesTasks) return send(ctx, namespace, name, contentType, rawText, opts, callerVersion);

  // A merge patch replaces the whole task list: check it against the job as it is, and make the
  // write conditional on that version so a concurrent change is re-checked, not overwritten blindly.
  return retryOnConflict(ctx.deadline, `Job "${namespace}/${name}"`, async () => {
    const job = await ctx.client.getJob(namespace, name, ctx.deadline);
    if (callerVersion !== undefined && job.metadata.resourceVersion !== callerVersion) {
      throw preconditionFailed(namespace, name, callerVersion, job.metadata.resourceVersion);
    }
    checkTasksReplacement(job, patch.spec.tasks);
    const guarded = { ...patch, metadata: { ...(patch.metadata ?? {}), resourceVersion: job.metadata.resourceVersion } };
    return send(ctx, namespace, name, contentType, JSON.stringify(guarded), opts, callerVersion);
  });
}
