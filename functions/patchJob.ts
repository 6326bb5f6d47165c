/**
 * PATCH /namespaces/{namespace}/jobs/{name}
 * - `application/json`: the structured body (labels, annotations, replicas, minAvailable, resourceVersion, dryRun);
 * - `application/merge-patch+json` / `application/json-patch+json`: a raw patch limited to updatable fields,
 *   with `?dryRun=All` and `?fieldManager=` passed through.
 */
import { AppError, badRequest } from '../lib/core/errors';
import { PATCH_TYPES, type PatchContentType } from '../lib/cci/client';
import { cciClientFor } from '../lib/cci/setup';
import { httpFunction } from '../lib/http/shell';
import { viewOf } from '../lib/http/views';
import { applyPatchBody, applyRawPatch } from '../lib/patch/apply';
import { isFieldManager, parsePatchBody } from '../lib/patch/schema';
import { summarizeJob } from '../lib/job/model';

const QUERY_KEYS = new Set(['view', 'dryRun', 'fieldManager']);

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest('invalid-json', `The body is not valid JSON: ${err instanceof Error ? err.message : 'parse error'}`);
  }
}

export const handler = httpFunction('patchJob', 'PATCH', async (call) => {
  const view = viewOf(call.params);
  for (const key of call.params.keys()) {
    if (!QUERY_KEYS.has(key)) throw badRequest('invalid-query', `Unknown query parameter "${key}"; accepted: view, dryRun, fieldManager`);
  }
  const dryRunParam = call.params.get('dryRun');
  if (dryRunParam !== undefined && dryRunParam !== 'All' && dryRunParam !== 'true') {
    throw badRequest('invalid-query', 'dryRun must be "All" (or "true")');
  }
  const fieldManager = call.params.get('fieldManager');
  if (fieldManager !== undefined && !isFieldManager(fieldManager)) {
    throw badRequest('invalid-query', 'fieldManager must be 1 to 128 printable characters');
  }

  const type = mediaType(call.http.headers['content-type']);
  if (type !== 'application/json' && type !== PATCH_TYPES.merge && type !== PATCH_TYPES.json) {
    throw new AppError(
      415,
      'unsupported-media-type',
      `Content-Type "${type || '(none)'}" is not accepted; use application/json, application/merge-patch+json or application/json-patch+json (strategic merge patch is not supported for custom resources)`,
      { retryable: false },
    );
  }
  const doc = parseJson(call.http.body);
  const ctx = { client: cciClientFor(call.inv), deadline: call.inv.deadline, ...(fieldManager ? { fieldManager } : {}) };
  const job =
    type === 'application/json'
      ? await applyPatchBody(ctx, call.namespace, call.name, {
          ...parsePatchBody(doc),
          ...(dryRunParam !== undefined ? { dryRun: true } : {}),
        })
      : await applyRawPatch(ctx, call.namespace, call.name, type as PatchContentType, doc, call.http.body.toString('utf8'), {
          dryRun: dryRunParam !== undefined,
          ...(fieldManager ? { fieldManager } : {}),
        });
  return { status: 200, body: view === 'summary' ? summarizeJob(job) : job };
});
