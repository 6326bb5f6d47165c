/**
 * Applies patch requests to a job without losing concurrent updates, each checked by raw.ts's one
 * rule set (`changeIssues`: what the patch would store) before anything is sent:
 * - label/annotation-only changes (structured, or a raw merge patch of the two maps) go out as one
 *   merge patch on the maps without a read (the apiserver merges them into the stored object, so
 *   concurrent writers all land); their values are checked against an empty job;
 * - every other change reads the job, applies the patch to it here, checks the result, and sends
 *   the patch with the read `metadata.resourceVersion` as a precondition; on 409 it re-reads and
 *   re-checks, a bounded number of times (client-go's RetryOnConflict). Structured replica and
 *   minAvailable changes rebuild `spec.tasks` from the read job; raw patches go out as the caller
 *   wrote them, plus the precondition (merge: `metadata.resourceVersion`; JSON patch: a final
 *   `replace /metadata/resourceVersion`, which the apiserver treats the same way);
 * - a `resourceVersion` in the request is the caller's precondition: a mismatch is a final 409.
 */
import { PATCH_TYPES, DEFAULT_FIELD_MANAGER, type JobApi, type PatchContentType } from '../cci/port';
import { AppError, unprocessable, type FieldIssue } from '../core/errors';
import type { Deadline } from '../core/deadline';
import { isJsonObject } from '../core/json';
import { retryOnConflict } from '../upstream/retry';
import { metadataAlreadyApplied, metadataPatch, planSpecChange } from './plan';
import type { PatchBody } from './schema';
import { applyJsonPatch, changeIssues, mergePatch, staticIssues, validateJsonPatch } from './raw';
import { field, text, type VolcanoJob } from '../job/model';

/** 422 for any issue (raw.ts rules); `body`: paths named as in the structured body (`/labels/k`). */
function refuse(found: FieldIssue[], body?: boolean): void {
  const issues = found.map((i) => (body ? { ...i, path: i.path.replace(/^\/metadata(?=\/(labels|annotations))/, '') } : i));
  if (issues.length > 0) throw unprocessable('field-not-updatable', 'The patch touches fields that cannot be updated or sets invalid values', issues);
}

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
  const opts = { dryRun: body.dryRun === true, fieldManager: body.fieldManager ?? ctx.fieldManager ?? DEFAULT_FIELD_MANAGER };
  const metadata = metadataPatch(body);
  refuse(staticIssues({ metadata }), true);

  if (body.replicas === undefined && body.minAvailable === undefined) {
    if (body.resourceVersion !== undefined) metadata.resourceVersion = body.resourceVersion;
    return send(ctx, namespace, name, PATCH_TYPES.merge, JSON.stringify({ metadata }), opts, body.resourceVersion);
  }

  return retryOnConflict(ctx.deadline, `Job "${namespace}/${name}"`, async () => {
    const job = await ctx.client.getJob(namespace, name, ctx.deadline);
    const readVersion = text(job.metadata.resourceVersion);
    if (body.resourceVersion !== undefined && readVersion !== body.resourceVersion) {
      throw preconditionFailed(namespace, name, body.resourceVersion, readVersion);
    }
    const plan = planSpecChange(job, body);
    if (!plan.spec && metadataAlreadyApplied(job, body)) return job; // already as asked: nothing to write
    const patch: Record<string, unknown> = { metadata: { ...metadata, resourceVersion: readVersion } };
    if (plan.spec) patch.spec = plan.spec;
    refuse(changeIssues(job, mergePatch(job, patch)));
    return send(ctx, namespace, name, PATCH_TYPES.merge, JSON.stringify(patch), opts, body.resourceVersion);
  });
}

export interface RawPatchOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

/** Forwards a caller-built merge patch or JSON patch once what it would store passes `changeIssues`. */
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
  const ops = contentType === PATCH_TYPES.json ? validateJsonPatch(doc) : undefined;
  if (!ops && !isJsonObject(doc)) throw new AppError(400, 'invalid-body', 'A merge patch body must be a JSON object');
  const meta = field(doc, 'metadata');
  const callerVersion = text(field(meta, 'resourceVersion'));
  const applyTo = (job: VolcanoJob) => (ops ? applyJsonPatch(job, ops) : mergePatch(job, doc));
  // Paths and the values the patch gives are checked before CCI is called at all.
  refuse(staticIssues(doc, ops));
  if (!ops && Object.keys(doc as object).every((k) => k === 'metadata') && Object.keys(isJsonObject(meta) ? meta : {}).every((k) => /^(labels|annotations|resourceVersion)$/.test(k))) {
    return send(ctx, namespace, name, contentType, rawText, opts, callerVersion);
  }

  // What the patch stores depends on the job: check it against the job as it is, and make the
  // write conditional on that version so a concurrent change is re-checked, not overwritten blindly.
  return retryOnConflict(ctx.deadline, `Job "${namespace}/${name}"`, async () => {
    const job = await ctx.client.getJob(namespace, name, ctx.deadline);
    const readVersion = text(job.metadata.resourceVersion);
    const after = applyTo(job);
    refuse(changeIssues(job, after));
    const wanted = text(field(field(after, 'metadata'), 'resourceVersion'));
    if (wanted !== readVersion) throw preconditionFailed(namespace, name, wanted ?? '', readVersion);
    const guarded = ops
      ? readVersion === undefined ? ops : [...ops, { op: 'replace', path: '/metadata/resourceVersion', value: readVersion }]
      : { ...(doc as object), metadata: { ...(isJsonObject(meta) ? meta : {}), resourceVersion: readVersion } };
    return send(ctx, namespace, name, contentType, JSON.stringify(guarded), opts, callerVersion);
  });
}
