/**
 * The PATCH body (HTTP) and queue message schemas: one definition, shared by both paths.
 * zod/mini keeps the bundle small; issues are turned into `{path, message}` pairs ourselves
 * because mini's default messages are generic.
 */
import * as z from 'zod/mini';
import { badRequest } from '../core/errors';
import { formatIssues } from '../core/issues';
import { isJsonObject } from '../core/json';
import { lazy } from '../core/lazy';

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
 * A JSON object whose values each pass `valid`, with one issue per bad entry. Not `z.record`: it
 * rebuilds the object on `{}`, where a key such as `__proto__` sets the prototype instead of
 * making an entry (the key vanishes, or an inherited property appears). This keeps the object
 * JSON.parse made, whose keys are all own properties, and consumers read it with Object.entries
 * or as a Map, never by indexing with a caller's key.
 */
function entries<V>(valid: (v: unknown) => boolean, message: string) {
  return z.custom<Record<string, V>>(isJsonObject, { error: 'must be an object' }).check(
    z.check<Record<string, V>>((ctx) => {
      for (const [key, v] of Object.entries(ctx.value)) if (!valid(v)) ctx.issues.push({ code: 'custom', message, input: v, path: [key] });
    }),
  );
}

/**
 * Kubernetes' fieldManager rule (apimachinery ValidateFieldManager): at most 128 bytes (Go's
 * `len`), every rune printable (Go's unicode.IsPrint: letters, marks, numbers, punctuation,
 * symbols and the ASCII space).
 */
export const FIELD_MANAGER_RULE = 'must be 1 to 128 bytes of printable characters';
export const isFieldManager = (v: string) => Buffer.byteLength(v) <= 128 && /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u.test(v);

/** A value `valid` accepts, typed `T`, with `message` otherwise: one zod type (custom) for every field keeps the bundle small. */
const value = <T>(valid: (v: unknown) => boolean, message: string) => z.custom<T>(valid, { error: message });

function patchFields() {
  // Custom checks with their own messages rather than z.number()/z.int()/z.string()/z.regex():
  // the same checks, several KB less bundle, and messages that say exactly what is expected.
  const NullableStringMap = entries<string | null>((v) => v === null || typeof v === 'string', 'must be a string (or null to remove it)');
  return {
    labels: z.optional(NullableStringMap),
    annotations: z.optional(NullableStringMap),
    replicas: z.optional(entries<number>(isCount, COUNT_RULE)),
    minAvailable: z.optional(value<number>(isCount, COUNT_RULE)),
    resourceVersion: z.optional(value<string>(isResourceVersion, RV_RULE)),
    dryRun: z.optional(value<boolean>((v) => typeof v === 'boolean', 'must be true or false')),
    fieldManager: z.optional(value<string>((v) => typeof v === 'string' && isFieldManager(v), FIELD_MANAGER_RULE)),
  };
}

const buildPatchBodySchema = () => z.strictObject(patchFields());
const buildQueueMessageSchema = () => {
  const name = value<string>((v) => typeof v === 'string', 'must be a string');
  return z.strictObject({ namespace: name, name, ...patchFields() });
};

/** The PATCH body; the queue message is the same plus `namespace` and `name`. */
export const patchBodySchema = lazy(buildPatchBodySchema);
export const queueMessageSchema = lazy(buildQueueMessageSchema);

export type PatchBody = z.infer<ReturnType<typeof buildPatchBodySchema>>;
export type QueueMessage = z.infer<ReturnType<typeof buildQueueMessageSchema>>;

function requireChange(body: PatchBody): void {
  if (body.labels === undefined && body.annotations === undefined && body.replicas === undefined && body.minAvailable === undefined) {
    throw badRequest('invalid-body', 'The body changes nothing: give at least one of labels, annotations, replicas, minAvailable', [
      { path: '', message: 'at least one of labels, annotations, replicas, minAvailable is required' },
    ]);
  }
}

export function parsePatchBody(value: unknown): PatchBody {
  const r = patchBodySchema().safeParse(value);
  if (!r.success) throw badRequest('invalid-body', 'The body does not match the PATCH schema', formatIssues(r.error.issues));
  requireChange(r.data);
  return r.data;
}

export function parseQueueMessage(value: unknown): QueueMessage {
  const r = queueMessageSchema().safeParse(value);
  if (!r.success) throw badRequest('invalid-body', 'The message does not match the queue message schema', formatIssues(r.error.issues));
  requireChange(r.data);
  return r.data;
}

/** The PATCH part of a queue message. */
export function patchBodyOf(message: QueueMessage): PatchBody {
  const { namespace: _ns, name: _name, ...body } = message;
  return body;
}
