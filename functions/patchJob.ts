/**
 * PATCH /namespaces/{namespace}/jobs/{name}
 * - `application/json`: the structured body (labels, annotations, replicas, minAvailable, resourceVersion, dryRun);
 * - `application/merge-patch+json` / `application/json-patch+json`: a raw patch limited to updatable fields,
 *   with `?dryRun=All` and `?fieldManager=` passed through.
 */
import { PATCH_TYPES, type PatchContentType } from '../lib/cci/port';
import { cciClientFor } from '../lib/cci/setup';
import { badRequest } from '../lib/core/errors';
import { jsonBody } from '../lib/http/middleware/json-body';
import { mediaTypes } from '../lib/http/middleware/media-type';
import { viewOf } from '../lib/http/middleware/query';
import { httpFunction } from '../lib/http/shell';
import { summarizeJob } from '../lib/job/model';
import { applyPatchBody, applyRawPatch } from '../lib/patch/apply';
import { FIELD_MANAGER_RULE, isFieldManager, parsePatchBody } from '../lib/patch/schema';

const TYPES = ['application/json', PATCH_TYPES.merge, PATCH_TYPES.json] as const;

export const handler = httpFunction(
  {
    fn: 'patchJob',
    method: 'PATCH',
    route: 'job',
    query: ['view', 'dryRun', 'fieldManager'],
    body: [
      mediaTypes(TYPES, 'application/json, application/merge-patch+json or application/json-patch+json (strategic merge patch is not supported for custom resources)'),
      jsonBody(),
    ],
  },
  async (call) => {
    const dryRunParam = call.params.get('dryRun');
    if (dryRunParam !== undefined && dryRunParam !== 'All' && dryRunParam !== 'true') {
      throw badRequest('invalid-query', 'dryRun must be "All" (or "true")');
    }
    const fieldManager = call.params.get('fieldManager');
    if (fieldManager !== undefined && !isFieldManager(fieldManager)) {
      throw badRequest('invalid-query', `fieldManager ${FIELD_MANAGER_RULE}`);
    }
    const type = call.headers['content-type'];
    const ctx = { client: cciClientFor(call.inv), deadline: call.inv.deadline, ...(fieldManager ? { fieldManager } : {}) };
    const job =
      type === 'application/json'
        ? await applyPatchBody(ctx, call.namespace, call.name, {
            ...parsePatchBody(call.body),
            ...(dryRunParam !== undefined ? { dryRun: true } : {}),
          })
        : await applyRawPatch(ctx, call.namespace, call.name, type as PatchContentType, call.body, call.http.body.toString('utf8'), {
            dryRun: dryRunParam !== undefined,
            ...(fieldManager ? { fieldManager } : {}),
          });
    return { status: 200, body: viewOf(call.params) === 'summary' ? summarizeJob(job) : job };
  },
);
