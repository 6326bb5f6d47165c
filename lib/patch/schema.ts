/**
 * The PATCH body (HTTP) and queue message schemas: one definition, shared by both paths, typed
 * from the shape (lib/core/schema.ts; why not zod here is said there). Every field is a predicate
 * with a message that says exactly what is expected.
 */
import { badRequest } from '../core/errors';
import { lazy } from '../core/lazy';
import { entries, optional, strictObject, value, type Infer } from '../core/schema';

export const MAX_COUNT = 2_147_483_647;

export const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_COUNT;
export const COUNT_RULE = `must be an integer from 0 to ${MAX_COUNT}`;

/**
 * A resourceVersion precondition: a stored version (etcd revisions are positive int64s), never "0"
 * (which the apiserver takes as "none", writing unconditionally: 422 for a custom resource) nor a
 * number ParseUint refuses (its 500). Refused here, before CCI, whatever CCI's version answers.
 */
export const isResourceVersion = (v: unknown): v is string => typeof v === 'string' && /^[1-9]\d{0,18}$/.test(v);
export const RV_RULE = 'must be a positive decimal string';

/**
 * Kubernetes' fieldManager rule (apimachinery ValidateFieldManager): at most 128 bytes (Go's
 * `len`), every rune printable (Go's unicode.IsPrint: letters, marks, numbers, punctuation,
 * symbols and the ASCII space).
 */
export const FIELD_MANAGER_RULE = 'must be 1 to 128 bytes of printable characters';
/**
 * Built on first use, from a string: V8 checks a regex literal when the bundle is parsed, and this
 * one's Unicode property classes cost ~1 ms of every cold start of the patch functions (measured),
 * while only a request that names a fieldManager uses it.
 */
const printable = /* @__PURE__ */ lazy(() => new RegExp('^[\\p{L}\\p{M}\\p{N}\\p{P}\\p{S} ]+$', 'u'));
export const isFieldManager = (v: string) => Buffer.byteLength(v) <= 128 && printable().test(v);

function patchFields() {
  const NullableStringMap = entries<string | null>((v) => v === null || typeof v === 'string', 'must be a string (or null to remove it)');
  return {
    labels: optional(NullableStringMap),
    annotations: optional(NullableStringMap),
    replicas: optional(entries<number>(isCount, COUNT_RULE)),
    minAvailable: optional(value<number>(isCount, COUNT_RULE)),
    resourceVersion: optional(value<string>(isResourceVersion, RV_RULE)),
    dryRun: optional(value<boolean>((v) => typeof v === 'boolean', 'must be true or false')),
    fieldManager: optional(value<string>((v) => typeof v === 'string' && isFieldManager(v), FIELD_MANAGER_RULE)),
  };
}

function queueFields() {
  const name = value<string>((v) => typeof v === 'string', 'must be a string');
  return { namespace: name, name, ...patchFields() };
}

const buildPatchBodySchema = () => strictObject(patchFields());
const buildQueueMessageSchema = () => strictObject(queueFields());

/**
 * The PATCH body; the queue message is the same plus `namespace` and `name`. Marked pure so that a
 * bundle using one drops the other (esbuild keeps a top-level call it cannot prove side-effect free).
 */
export const patchBodySchema = /* @__PURE__ */ lazy(buildPatchBodySchema);
export const queueMessageSchema = /* @__PURE__ */ lazy(buildQueueMessageSchema);

export type PatchBody = Infer<ReturnType<typeof patchFields>>;
export type QueueMessage = Infer<ReturnType<typeof queueFields>>;

function requireChange(body: PatchBody): void {
  if (body.labels === undefined && body.annotations === undefined && body.replicas === undefined && body.minAvailable === undefined) {
    throw badRequest('invalid-body', 'The body changes nothing: give at least one of labels, annotations, replicas, minAvailable', [
      { path: '', message: 'at least one of labels, annotations, replicas, minAvailable is required' },
    ]);
  }
}

export function parsePatchBody(value: unknown): PatchBody {
  const r = patchBodySchema().parse(value);
  if (!r.ok) throw badRequest('invalid-body', 'The body does not match the PATCH schema', r.issues);
  requireChange(r.value);
  return r.value;
}

export function parseQueueMessage(value: unknown): QueueMessage {
  const r = queueMessageSchema().parse(value);
  if (!r.ok) throw badRequest('invalid-body', 'The message does not match the queue message schema', r.issues);
  requireChange(r.value);
  return r.value;
}

/** The PATCH part of a queue message. */
export function patchBodyOf(message: QueueMessage): PatchBody {
  const { namespace: _ns, name: _name, ...body } = message;
  return body;
}
