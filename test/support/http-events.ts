/** Builds signed HTTP trigger events from the samples in events/, for AWS and FunctionGraph. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signedPath, signWebhook } from '../../lib/http/webhook-signature';

export type Platform = 'aws' | 'functiongraph';
export type HttpFn = 'getJob' | 'patchJob' | 'listJobs';

export const SEED_NS = 'cci-namespace-42263891';
export const TEST_SECRET = 'test-webhook-secret';

const ROOT = join(__dirname, '..', '..');

export function loadEvent<T = Record<string, unknown>>(relative: string): T {
  return JSON.parse(readFileSync(join(ROOT, 'events', relative), 'utf8')) as T;
}

export interface HttpEventOptions {
  namespace?: string;
  name?: string;
  query?: Array<[string, string]>;
  body?: string;
  contentType?: string;
  /** Secret to sign with; null leaves the signature headers out. */
  secret?: string | null;
  now?: Date;
  /** Override the method the event carries (the signature follows it). */
  method?: string;
  headers?: Record<string, string>;
  base64?: boolean;
}

export function httpEvent(platform: Platform, fn: HttpFn, o: HttpEventOptions = {}): Record<string, unknown> {
  const file = platform === 'aws' ? `aws/${fn}.json` : `functiongraph/${fn}.apig.json`;
  const ev = loadEvent<Record<string, any>>(file);
  const method = o.method ?? (fn === 'patchJob' ? 'PATCH' : 'GET');
  const namespace = o.namespace ?? SEED_NS;
  const collection = fn === 'listJobs';
  const name = o.name ?? (fn === 'getJob' ? 'openmpi-hello-3-com' : 'openmpi-hello-2-com');
  const query = o.query ?? [];
  const body = o.body ?? '';
  const routePath = collection ? `/namespaces/${namespace}/jobs` : `/namespaces/${namespace}/jobs/${name}`;
  const urlPath = collection
    ? `/namespaces/${encodeURIComponent(namespace)}/jobs`
    : `/namespaces/${encodeURIComponent(namespace)}/jobs/${encodeURIComponent(name)}`;
  const headers: Record<string, string> = { ...ev.headers };
  delete headers['x-signature'];
  delete headers['x-signature-timestamp'];
  delete headers['content-type'];
  if (o.contentType !== undefined) headers['content-type'] = o.contentType;
  else if (fn === 'patchJob') headers['content-type'] = 'application/json';
  if (o.secret !== null) Object.assign(headers, signWebhook(o.secret ?? TEST_SECRET, method, signedPath(routePath, query), body, o.now));
  Object.assign(headers, o.headers ?? {});
  const base64 = o.base64 ?? platform === 'functiongraph';
  const encodedBody = base64 ? Buffer.from(body).toString('base64') : body;

  ev.pathParameters = collection ? { namespace } : { namespace, name };
  ev.headers = headers;
  ev.body = encodedBody;
  ev.isBase64Encoded = base64;
  if (platform === 'aws') {
    ev.rawPath = urlPath;
    ev.requestContext.http.path = urlPath;
    ev.requestContext.http.method = method;
    ev.routeKey = `${method} /namespaces/{namespace}/jobs${collection ? '' : '/{name}'}`;
    ev.rawQueryString = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    if (query.length > 0) ev.queryStringParameters = Object.fromEntries(query);
    else delete ev.queryStringParameters;
    if (!body) delete ev.body;
  } else {
    ev.path = urlPath;
    ev.httpMethod = method;
    ev.queryStringParameters = Object.fromEntries(query);
  }
  return ev;
}

export interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  json: any;
}

export function answer(res: unknown): Answer {
  const r = res as { statusCode: number; headers: Record<string, string>; body: string };
  let json: unknown;
  try {
    json = JSON.parse(r.body);
  } catch {
    json = undefined;
  }
  return { statusCode: r.statusCode, headers: r.headers, body: r.body, json };
}
