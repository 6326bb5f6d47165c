/**
 * Kubernetes `Status` error bodies as the kube-apiserver writes them (struct field order:
 * kind, apiVersion, metadata, status, message, reason, details, code; details: name, group,
 * kind, uid, causes, retryAfterSeconds; cause: reason, message, field).
 */

export const GROUP = 'batch.volcano.sh';
export const RESOURCE = 'jobs';
export const KIND = 'Job';
export const API_VERSION = 'batch.volcano.sh/v1alpha1';

export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, string>;
  status: 'Failure';
  message: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
  errorCode?: string;
}

/** An error carrying a full HTTP answer; thrown by handlers, written by the server. */
export class HttpError extends Error {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  readonly headers: Record<string, string>;
  constructor(status: number, body: string, contentType = 'application/json', headers: Record<string, string> = {}) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.contentType = contentType;
    this.headers = headers;
  }
}

export function statusBody(
  code: number,
  message: string,
  reason?: string,
  details?: StatusDetails,
  extra?: { errorCode?: string; metadata?: Record<string, string> },
): StatusBody {
  const s: StatusBody = { kind: 'Status', apiVersion: 'v1', metadata: extra?.metadata ?? {}, status: 'Failure', message } as StatusBody;
  if (reason) s.reason = reason;
  if (details) {
    const d: StatusDetails = {};
    if (details.name !== undefined) d.name = details.name;
    if (details.group !== undefined) d.group = details.group;
    if (details.kind !== undefined) d.kind = details.kind;
    if (details.uid !== undefined) d.uid = details.uid;
    if (details.causes !== undefined) d.causes = details.causes;
    if (details.retryAfterSeconds !== undefined) d.retryAfterSeconds = details.retryAfterSeconds;
    s.details = d;
  }
  s.code = code;
  if (extra?.errorCode) s.errorCode = extra.errorCode;
  return s;
}

export function statusError(
  code: number,
  message: string,
  reason?: string,
  details?: StatusDetails,
  extra?: { errorCode?: string; metadata?: Record<string, string>; headers?: Record<string, string> },
): HttpError {
  return new HttpError(code, JSON.stringify(statusBody(code, message, reason, details, extra)) + '\n', 'application/json', extra?.headers ?? {});
}

export const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export const MESSAGE_BY_CODE: Record<number, string> = {
  400: 'the server rejected our request for an unknown reason',
  401: 'Unauthorized',
  403: 'forbidden',
  404: 'the server could not find the requested resource',
  405: 'the server does not allow this method on the requested resource',
  409: 'the server reported a conflict',
  410: 'the resource has been removed',
  415: 'the server does not support the media type',
  422: 'the server rejected our request due to an error in our request',
  429: 'Too many requests: the server has received too many requests and has asked us to try again later',
  500: 'Internal error occurred: an error on the server ("injected fault") has prevented the request from succeeding',
  502: 'the server returned an invalid response from an upstream service',
  503: 'the server is currently unable to handle the request',
  504: 'the server was unable to return a response in the time allotted, but may still be processing the request',
};

export function unauthorized(): HttpError {
  return statusError(401, 'Unauthorized', 'Unauthorized');
}

export function notFound(name: string, resource = RESOURCE, group = GROUP): HttpError {
  return statusError(404, `${resource}.${group} "${name}" not found`, 'NotFound', { name, group, kind: resource });
}

export function alreadyExists(name: string): HttpError {
  return statusError(409, `${RESOURCE}.${GROUP} "${name}" already exists`, 'AlreadyExists', { name, group: GROUP, kind: RESOURCE });
}

export function conflict(name: string): HttpError {
  return statusError(
    409,
    `Operation cannot be fulfilled on ${RESOURCE}.${GROUP} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    'Conflict',
    { name, group: GROUP, kind: RESOURCE },
  );
}

export function badRequest(message: string): HttpError {
  return statusError(400, message, 'BadRequest');
}

export function genericNotFound(): HttpError {
  return statusError(404, 'the server could not find the requested resource', 'NotFound', {});
}

export function methodNotAllowed(): HttpError {
  return statusError(405, 'the server does not allow this method on the requested resource', 'MethodNotAllowed', {});
}

export function unsupportedMediaType(): HttpError {
  return statusError(
    415,
    'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json',
    'UnsupportedMediaType',
  );
}

/** The generic 422 a failed JSON-patch operation gives (details `{}`). */
export function genericInvalid(): HttpError {
  return statusError(422, 'the server rejected our request due to an error in our request', 'Invalid', {});
}

export function forbiddenNamespace(namespace: string, verb: string, name?: string, resource = RESOURCE, group = GROUP): HttpError {
  const what = name ? `${resource}.${group} "${name}"` : `${resource}.${group}`;
  return statusError(
    403,
    `${what} is forbidden: current user has no right to ${verb} resource "${resource}" in API group "${group}" in the namespace "${namespace}"`,
    'Forbidden',
    name ? { name, group, kind: resource } : { group, kind: resource },
    { errorCode: 'CCI.01.403104' },
  );
}

/** kube-apiserver's RBAC denial (no CCI error code): `User "<u>" cannot <verb> resource ...`. */
export function forbiddenByRbac(user: string, verb: string, resource: string, group: string, namespace: string, name?: string): HttpError {
  const what = name ? `${resource}.${group} "${name}"` : `${resource}.${group}`;
  return statusError(
    403,
    `${what} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}" in the namespace "${namespace}"`,
    'Forbidden',
    name ? { name, group, kind: resource } : { group, kind: resource },
  );
}

/** A field error, as apimachinery's field.Error renders it. */
export interface FieldError {
  type:
    | 'FieldValueInvalid'
    | 'FieldValueForbidden'
    | 'FieldValueRequired'
    | 'FieldValueNotSupported'
    | 'FieldValueTooLong'
    | 'FieldValueTypeInvalid'
    | 'FieldValueDuplicate';
  field: string;
  /** The text after "<field>: " ("Invalid value: ...: detail", "Forbidden: detail", ...). */
  body: string;
}

/** Go's %q-ish rendering of a bad value, as field.Error does (strings quoted, numbers bare). */
export function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(v);
}

export function invalidValue(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, body: `Invalid value: ${renderValue(value)}: ${detail}` };
}

/** The JSON type of a value as the CRD schema validator names it. */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** CRD schema type error: `<f>: Invalid value: "<type>": <f> in body must be of type <want>: "<type>"`. */
export function typeError(field: string, value: unknown, want: string): FieldError {
  const t = typeName(value);
  return invalidValue(field, t, `${field} in body must be of type ${want}: "${t}"`);
}

export function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, body: `Forbidden: ${detail}` };
}

export function tooLong(field: string, max: number): FieldError {
  return { type: 'FieldValueTooLong', field, body: `Too long: may not be more than ${max} bytes` };
}

export function notSupported(field: string, value: unknown, supported: string[]): FieldError {
  return {
    type: 'FieldValueNotSupported',
    field,
    body: `Unsupported value: ${renderValue(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  };
}

export function required(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, body: detail ? `Required value: ${detail}` : 'Required value' };
}

/** `NewInvalid(GroupKind, name, errs)`: 422 `<Kind>.<group> "<name>" is invalid: <agg>`. */
export function invalid(kind: string, group: string, name: string, errs: FieldError[]): HttpError {
  const rendered: string[] = [];
  for (const e of errs) {
    const s = `${e.field}: ${e.body}`;
    if (!rendered.includes(s)) rendered.push(s);
  }
  const agg = rendered.length === 1 ? rendered[0]! : `[${rendered.join(', ')}]`;
  const qualified = group ? `${kind}.${group}` : kind;
  return statusError(422, `${qualified} "${name}" is invalid: ${agg}`, 'Invalid', {
    name: name || undefined,
    group,
    kind,
    causes: errs.map((e) => ({ reason: e.type, message: e.body, field: e.field })),
  });
}

export function invalidJob(name: string, errs: FieldError[]): HttpError {
  return invalid(KIND, GROUP, name, errs);
}

export function invalidOptions(kind: 'PatchOptions' | 'CreateOptions' | 'UpdateOptions', errs: FieldError[]): HttpError {
  return invalid(kind, 'meta.k8s.io', '', errs);
}
