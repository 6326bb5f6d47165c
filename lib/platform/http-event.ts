/**
 * Normalises HTTP trigger events into one request shape:
 * - AWS API Gateway HTTP API (payload 2.0): `rawPath`, `rawQueryString`, `requestContext.http.method`;
 * - AWS REST API (payload 1.0) and Huawei FunctionGraph APIG: `httpMethod`, `path`,
 *   `queryStringParameters`, lower-cased `headers`, base64 bodies (`isBase64Encoded`, the APIG default).
 */
import { AppError, badRequest } from '../core/errors';
import { hasLoneSurrogate, isJsonObject, type JsonObject } from '../core/json';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpRequest {
  method: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  pathParameters: Record<string, string>;
  /** Decoded query parameters in arrival order (repeats kept). */
  query: Array<[string, string]>;
  body: Buffer;
}

type Dict = JsonObject;
const isDict = isJsonObject;

export function isHttpEvent(event: unknown): boolean {
  if (!isDict(event)) return false;
  const rc = event.requestContext;
  return typeof event.httpMethod === 'string' || (isDict(rc) && isDict(rc.http) && typeof rc.http.method === 'string');
}

function headersOf(raw: unknown): Record<string, string> {
  // No prototype: a header named `__proto__` or `constructor` is an entry like any other.
  const out: Record<string, string> = Object.create(null);
  if (!isDict(raw)) return out;
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string') out[k.toLowerCase()] = v;
    else if (Array.isArray(v)) out[k.toLowerCase()] = v.map(String).join(',');
  }
  return out;
}

function queryOf(event: Dict): Array<[string, string]> {
  if (typeof event.rawQueryString === 'string') {
    return event.rawQueryString === '' ? [] : [...new URLSearchParams(event.rawQueryString)];
  }
  const out: Array<[string, string]> = [];
  const multi = event.multiValueQueryStringParameters;
  const params = isDict(multi) ? multi : event.queryStringParameters;
  if (isDict(params)) {
    for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) if (x !== undefined && x !== null) out.push([k, String(x)]);
  }
  return out;
}

/** `/namespaces/{namespace}/jobs/{name}`, or the collection `/namespaces/{namespace}/jobs` (no name). */
const ROUTE = /\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?\/?$/;

function pathParametersOf(event: Dict): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (isDict(event.pathParameters)) {
    for (const [k, v] of Object.entries(event.pathParameters)) if (typeof v === 'string') out[k] = v;
  }
  if (out.namespace === undefined || out.name === undefined) {
    // Gateways configured with a prefix match give no named parameters: read them off the path.
    const path = typeof event.rawPath === 'string' ? event.rawPath : typeof event.path === 'string' ? event.path : '';
    const m = ROUTE.exec(path);
    if (m) {
      try {
        out.namespace ??= decodeURIComponent(m[1]!);
        if (m[2] !== undefined) out.name ??= decodeURIComponent(m[2]);
      } catch {
        throw badRequest('invalid-path', 'The path is not valid percent-encoding');
      }
    }
  }
  return out;
}

function bodyOf(event: Dict): Buffer {
  const body = event.body;
  if (body === undefined || body === null || body === '') return Buffer.alloc(0);
  if (typeof body !== 'string') {
    // Some test tools hand over an already-parsed object: sign and parse what JSON it stands for.
    return Buffer.from(JSON.stringify(body));
  }
  const base64 = event.isBase64Encoded === true || event.isBase64Encoded === 'true';
  // Measured after decoding (base64 may carry line breaks); only what could never decode small
  // enough is refused before decoding.
  if (body.length > 2 * MAX_BODY_BYTES) throw tooLarge(body.length);
  const bytes = base64 ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw tooLarge(bytes.length);
  return bytes;
}

function tooLarge(size: number): AppError {
  return new AppError(413, 'body-too-large', `The body is ${size} bytes; at most ${MAX_BODY_BYTES} bytes (1 MiB) are accepted`, {
    retryable: false,
  });
}

export function parseHttpEvent(event: unknown): HttpRequest {
  if (!isDict(event) || !isHttpEvent(event)) throw badRequest('not-http', 'The event is not an HTTP (API Gateway / APIG) event');
  const rc = isDict(event.requestContext) ? event.requestContext : {};
  const method = (isDict(rc.http) && typeof rc.http.method === 'string' ? rc.http.method : String(event.httpMethod)).toUpperCase();
  const req: HttpRequest = {
    method,
    headers: headersOf(event.headers),
    pathParameters: pathParametersOf(event),
    query: queryOf(event),
    body: bodyOf(event),
  };
  // Text no UTF-8 peer can carry (a lone surrogate) is refused before anything encodes it.
  const texts = [...Object.entries(req.headers), ...Object.entries(req.pathParameters), ...req.query, [typeof event.rawPath === 'string' ? event.rawPath : '', typeof event.path === 'string' ? event.path : '']];
  if (texts.some((pair) => pair.some(hasLoneSurrogate))) throw badRequest('invalid-text', 'The path, a query parameter or a header holds invalid Unicode (a lone surrogate)');
  return req;
}
