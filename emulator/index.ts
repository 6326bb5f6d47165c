/**
 * Local emulator of Huawei IAM (password tokens) and CCI (Volcano Jobs), on node:http.
 *
 *   const emu = await startEmulator({ port: 0 });
 *   // IAM: POST `${emu.url}/v3/auth/tokens`; CCI: `${emu.url}/apis/batch.volcano.sh/v1alpha1/namespaces/{ns}/jobs...`
 *   await emu.close();
 *
 * Control interface for other processes: `/_emulator/...` (see README section in main.ts / the brief).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CciService, JOBS_PREFIX, nowSeconds, selfLink } from './cci';
import { TokenAuthority, issueTokenRequest, type IamUser } from './iam';
import {
  genericNotFound,
  HttpError,
  MESSAGE_BY_CODE,
  methodNotAllowed,
  REASON_BY_CODE,
  statusBody,
  statusError,
  unauthorized,
  forbiddenNamespace,
} from './k8s-status';
import { SEED_JOBS } from './seed-jobs';
import { canonical, JobStore } from './store';
import type { EmulatorStats, FaultAction, FaultRule, Job, RequestRecord } from './types';

export type { EmulatorStats, FaultAction, FaultRule, FaultShape, Job, JobSpec, JobStatus, JobTask, JobMetadata, RequestRecord } from './types';
export { SEED_JOBS, SEED_NAMESPACE, SEED_JOB_OPENMPI_HELLO_2, SEED_JOB_OPENMPI_HELLO_3 } from './seed-jobs';

export interface EmulatorOptions {
  /** 0 = ephemeral (default 0). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Load the two seed jobs (default true). */
  seed?: boolean;
  users?: Array<{ domain: string; user: string; password: string }>;
  /** Project names IAM accepts in scope.project.name (default ['cn-north-4']). */
  projects?: string[];
  /** Default 86400. */
  tokenTtlSeconds?: number;
  /** Tokens CCI accepts without IAM (default ['local-dev-token']). */
  staticTokens?: string[];
  akSk?: Array<{ accessKey: string; secretKey: string; securityToken?: string }>;
  /** One line per request to stderr (default false). */
  log?: boolean;
}

export interface BulkJobOptions {
  prefix?: string;
  phase?: string;
  lastTransitionTime?: string;
  labels?: Record<string, string>;
}

export interface Emulator {
  url: string;
  port: number;
  close(): Promise<void>;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  stats(): EmulatorStats;
  resetStats(): void;
  revokeTokens(): void;
  expireTokens(): void;
  mintToken(): string;
  putJob(namespace: string, job: Job): Job;
  createJobs(namespace: string, count: number, opts?: BulkJobOptions): void;
  getJob(namespace: string, name: string): Job | undefined;
  setPhase(namespace: string, name: string, phase: string, lastTransitionTime?: string): void;
  forbidNamespace(namespace: string): void;
  expireContinueTokens(): void;
  requests(): RequestRecord[];
}

export const DEFAULT_USERS: ReadonlyArray<IamUser> = [{ domain: 'demo-domain', user: 'demo-user', password: 'demo-password' }];
export const DEFAULT_PROJECTS: readonly string[] = ['cn-north-4'];
export const DEFAULT_STATIC_TOKENS: readonly string[] = ['local-dev-token'];
export const DEFAULT_AKSK: ReadonlyArray<{ accessKey: string; secretKey: string; securityToken?: string }> = [
  { accessKey: 'LOCALAK', secretKey: 'localsecretkey' },
];

/** Store's first resourceVersion: above the seeds' (7695210). */
export const START_RESOURCE_VERSION = 7_700_000;
const MAX_BODY_BYTES = 3 * 1024 * 1024;
const MAX_LOGGED_REQUESTS = 200_000;
const MAX_LOGGED_BODY = 4096;

type VerifyAkSk = (
  req: { method: string; rawUrl: string; headers: Record<string, string | string[] | undefined>; body: Buffer },
  lookup: (accessKey: string) => { secretKey: string; securityToken?: string } | undefined,
  now?: Date,
) => { ok: true; accessKey: string } | { ok: false; message: string };

interface ActiveRule {
  service: 'iam' | 'cci' | 'any';
  method?: string;
  path?: string | RegExp;
  remaining: number;
  action: FaultAction;
}

type CciRoute =
  | { kind: 'list' | 'create' | 'collection-other'; namespace: string }
  | { kind: 'get' | 'patch' | 'item-other'; namespace: string; name: string }
  | { kind: 'getStatus' | 'patchStatus' | 'status-other'; namespace: string; name: string }
  | { kind: 'unknown' };

function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function classifyCci(method: string, path: string): CciRoute {
  if (!path.startsWith(JOBS_PREFIX)) return { kind: 'unknown' };
  const rest = path.slice(JOBS_PREFIX.length).split('/');
  const namespace = decodeSegment(rest[0] ?? '');
  if (!namespace || rest[1] !== 'jobs') return { kind: 'unknown' };
  if (rest.length === 2 || (rest.length === 3 && rest[2] === '')) {
    if (method === 'GET') return { kind: 'list', namespace };
    if (method === 'POST') return { kind: 'create', namespace };
    return { kind: 'collection-other', namespace };
  }
  const name = decodeSegment(rest[2] ?? '');
  if (!name) return { kind: 'unknown' };
  if (rest.length === 3) {
    if (method === 'GET') return { kind: 'get', namespace, name };
    if (method === 'PATCH') return { kind: 'patch', namespace, name };
    return { kind: 'item-other', namespace, name };
  }
  if (rest.length === 4 && rest[3] === 'status') {
    if (method === 'GET') return { kind: 'getStatus', namespace, name };
    if (method === 'PATCH') return { kind: 'patchStatus', namespace, name };
    return { kind: 'status-other', namespace, name };
  }
  return { kind: 'unknown' };
}

function emptyStats(): EmulatorStats {
  return { iamTokenRequests: 0, cci: { get: 0, list: 0, patch: 0, patchStatus: 0, create: 0, total: 0 } };
}

function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function gatewayBody(status: number, message?: string): string {
  let code: string;
  let msg: string;
  switch (status) {
    case 429:
      code = 'APIGW.0308';
      msg = 'The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 second';
      break;
    case 401:
      code = 'APIGW.0301';
      msg = 'Incorrect IAM authentication information: decrypt token fail';
      break;
    case 403:
      code = 'APIGW.0302';
      msg = 'The IAM user is not authorized to access the API.';
      break;
    case 404:
      code = 'APIGW.0101';
      msg = 'The API does not exist or has not been published in the environment.';
      break;
    case 504:
      code = 'APIGW.0203';
      msg = 'Backend timeout.';
      break;
    default:
      code = status >= 500 ? 'APIGW.0201' : 'APIGW.0106';
      msg = status >= 500 ? 'Backend unavailable.' : 'Orchestration error.';
  }
  return JSON.stringify({ error_msg: message ?? msg, error_code: code });
}

const IAM_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function faultAnswer(
  action: Extract<FaultAction, { type: 'status' }>,
  service: 'iam' | 'cci',
): { status: number; contentType: string; body: string; headers: Record<string, string> } {
  const status = action.status;
  const headers: Record<string, string> = {};
  if (action.retryAfter !== undefined) headers['Retry-After'] = String(action.retryAfter);
  else if (action.retryAfterSeconds !== undefined && action.retryAfterSeconds > 0) headers['Retry-After'] = String(action.retryAfterSeconds);
  if (action.body !== undefined) {
    let ct = 'text/plain; charset=utf-8';
    try {
      JSON.parse(action.body);
      ct = 'application/json';
    } catch {
      /* text */
    }
    return { status, contentType: ct, body: action.body, headers };
  }
  const shape = action.shape ?? (service === 'iam' ? 'iam' : 'status');
  switch (shape) {
    case 'text': {
      const text = status === 429 ? 'Too many requests, please try again later.' : (action.message ?? (http.STATUS_CODES[status] ?? 'Error'));
      return { status, contentType: 'text/plain; charset=utf-8', body: text + '\n', headers };
    }
    case 'gateway':
      return { status, contentType: 'application/json', body: gatewayBody(status, action.message), headers };
    case 'iam': {
      const message =
        action.message ??
        (status === 429 ? 'The throttling threshold has been reached. Threshold: 10 times per 1 seconds' : (http.STATUS_CODES[status] ?? 'Error'));
      return {
        status,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: status, message, title: IAM_TITLES[status] ?? http.STATUS_CODES[status] ?? 'Error' } }),
        headers,
      };
    }
    default: {
      const details = action.retryAfterSeconds !== undefined ? { retryAfterSeconds: action.retryAfterSeconds } : status >= 500 || status === 429 ? {} : undefined;
      const body = statusBody(status, action.message ?? MESSAGE_BY_CODE[status] ?? (http.STATUS_CODES[status] ?? 'error'), REASON_BY_CODE[status], details);
      return { status, contentType: 'application/json', body: JSON.stringify(body) + '\n', headers };
    }
  }
}

function normaliseTimes(t: unknown): number {
  if (t === undefined) return 1;
  if (t === null || t === 'Infinity' || t === 'infinity' || t === 'inf' || t === Infinity) return Infinity;
  if (typeof t === 'number' && t < 0) return Infinity;
  if (typeof t !== 'number' || !Number.isFinite(t)) return 1;
  return Math.floor(t);
}

function validAction(a: unknown): a is FaultAction {
  if (typeof a !== 'object' || a === null) return false;
  const t = (a as { type?: unknown }).type;
  if (t === 'status') return typeof (a as { status?: unknown }).status === 'number';
  if (t === 'delay') return typeof (a as { ms?: unknown }).ms === 'number';
  return t === 'hang' || t === 'reset' || t === 'garbage';
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const users = (opts.users ?? DEFAULT_USERS).map((u) => ({ ...u }));
  const projects = [...(opts.projects ?? DEFAULT_PROJECTS)];
  const tokenTtlSeconds = opts.tokenTtlSeconds ?? 86400;
  const staticTokens = new Set(opts.staticTokens ?? DEFAULT_STATIC_TOKENS);
  const akSk = new Map((opts.akSk ?? DEFAULT_AKSK).map((k) => [k.accessKey, { secretKey: k.secretKey, securityToken: k.securityToken }]));
  const logEnabled = opts.log ?? false;

  let verifyAkSk: VerifyAkSk | undefined;
  try {
    const mod = (await import('./aksk-verify')) as { verifyAkSk?: VerifyAkSk };
    verifyAkSk = mod.verifyAkSk;
  } catch {
    verifyAkSk = undefined;
  }

  const authority = new TokenAuthority();
  const store = new JobStore(START_RESOURCE_VERSION);
  const cci = new CciService(store);
  if (opts.seed ?? true) {
    for (const job of SEED_JOBS) store.set(job.metadata.namespace!, canonical(job));
  }

  let faults: ActiveRule[] = [];
  let stats = emptyStats();
  let log: RequestRecord[] = [];
  const forbidden = new Set<string>();
  let baseUrl = '';

  function record(r: RequestRecord): void {
    if (log.length >= MAX_LOGGED_REQUESTS) log = log.slice(log.length - MAX_LOGGED_REQUESTS / 2);
    log.push(r);
  }

  function takeFault(service: 'iam' | 'cci', method: string, path: string): FaultAction | undefined {
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i]!;
      if (f.service !== 'any' && f.service !== service) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.path !== undefined) {
        if (typeof f.path === 'string') {
          if (path !== f.path && !path.endsWith(f.path)) continue;
        } else {
          f.path.lastIndex = 0;
          if (!f.path.test(path)) continue;
        }
      }
      f.remaining -= 1;
      if (f.remaining <= 0) faults.splice(i, 1);
      return f.action;
    }
    return undefined;
  }

  function addFault(rule: FaultRule): void {
    if (!validAction(rule.action)) throw new Error('invalid fault action');
    const active: ActiveRule = { service: rule.service ?? 'cci', remaining: normaliseTimes(rule.times), action: { ...rule.action } };
    if (rule.method) active.method = rule.method.toUpperCase();
    if (rule.path !== undefined) active.path = rule.path;
    if (active.remaining > 0) faults.push(active);
  }

  function putJob(namespace: string, job: Job): Job {
    const copy = JSON.parse(JSON.stringify(job)) as Job;
    copy.apiVersion ??= 'batch.volcano.sh/v1alpha1';
    copy.kind ??= 'Job';
    copy.metadata ??= { name: '' };
    copy.metadata.namespace = namespace;
    copy.metadata.uid ??= randomUUID();
    copy.metadata.creationTimestamp ??= nowSeconds();
    if (typeof copy.metadata.generation !== 'number') copy.metadata.generation = 1;
    copy.metadata.selfLink = selfLink(namespace, copy.metadata.name);
    copy.metadata.resourceVersion = store.nextRv();
    const entry = store.set(namespace, canonical(copy));
    return JSON.parse(entry.json) as Job;
  }

  function createJobs(namespace: string, count: number, o: BulkJobOptions = {}): void {
    const prefix = o.prefix ?? 'job';
    const phase = o.phase ?? 'Running';
    const ltt = o.lastTransitionTime ?? nowSeconds();
    const created = nowSeconds();
    const width = Math.max(5, String(count).length);
    const counters: Record<string, number> = {
      Pending: 0,
      Running: 0,
      Completed: 0,
      Failed: 0,
    };
    let i = 0;
    let made = 0;
    while (made < count) {
      const name = `${prefix}-${String(i).padStart(width, '0')}`;
      i++;
      if (store.has(namespace, name)) continue;
      const status: Record<string, unknown> = { minAvailable: 1, state: { lastTransitionTime: ltt, phase } };
      if (phase in counters) {
        const key = phase === 'Completed' ? 'succeeded' : phase.toLowerCase();
        status[key] = 1;
      }
      const job: Job = {
        apiVersion: 'batch.volcano.sh/v1alpha1',
        kind: 'Job',
        metadata: {
          creationTimestamp: created,
          generation: 1,
          name,
          namespace,
          resourceVersion: store.nextRv(),
          selfLink: selfLink(namespace, name),
          uid: randomUUID(),
        },
        spec: {
          minAvailable: 1,
          queue: 'default',
          schedulerName: 'volcano',
          tasks: [
            {
              minAvailable: 1,
              name: 'worker',
              replicas: 1,
              template: { spec: { containers: [{ command: ['sleep', '3600'], image: 'busybox:1.36', name: 'worker' }], restartPolicy: 'OnFailure' } },
            },
          ],
        },
        status,
      };
      if (o.labels && Object.keys(o.labels).length > 0) job.metadata.labels = { ...o.labels };
      store.set(namespace, canonical(job), undefined, true);
      made++;
    }
  }

  function setPhase(namespace: string, name: string, phase: string, lastTransitionTime?: string): void {
    const entry = store.get(namespace, name);
    if (!entry) throw new Error(`job ${namespace}/${name} not found`);
    const job = JSON.parse(entry.json) as Job;
    const status = (job.status ??= {});
    status.state = { ...(status.state ?? {}), phase, lastTransitionTime: lastTransitionTime ?? nowSeconds() };
    job.metadata.resourceVersion = store.nextRv();
    store.set(namespace, canonical(job));
  }

  function stats_(): EmulatorStats {
    return { iamTokenRequests: stats.iamTokenRequests, cci: { ...stats.cci } };
  }

  // ---------------------------------------------------------------- HTTP

  function readBody(req: http.IncomingMessage): Promise<Buffer | 'too-large'> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) tooLarge = true;
        else chunks.push(c);
      });
      req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  function send(
    res: http.ServerResponse,
    rec: RequestRecord | undefined,
    status: number,
    contentType: string,
    body: string,
    headers: Record<string, string> = {},
  ): void {
    if (rec) rec.status = status;
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  function sendError(res: http.ServerResponse, rec: RequestRecord | undefined, e: unknown): void {
    if (e instanceof HttpError) {
      send(res, rec, e.status, e.contentType, e.body, e.headers);
      return;
    }
    const msg = 'Internal error occurred: emulator failure';
    if (logEnabled) process.stderr.write(`[emulator] internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    send(res, rec, 500, 'application/json', JSON.stringify(statusBody(500, msg, 'InternalError', {})) + '\n');
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const qi = rawUrl.indexOf('?');
    const path = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    const rawQuery = qi < 0 ? '' : rawUrl.slice(qi + 1);
    const query = new URLSearchParams(rawQuery);

    if (path.startsWith('/_emulator/') || path === '/_emulator') {
      const body = await readBody(req);
      control(method, path, body === 'too-large' ? Buffer.alloc(0) : body, res);
      return;
    }

    const service: 'iam' | 'cci' = path.startsWith('/v3/') || path === '/v3' ? 'iam' : 'cci';
    const contentType = headerString(req.headers['content-type']) ?? '';
    const rec: RequestRecord = { service, method, path, query: rawQuery, contentType, status: 0, time: new Date(started).toISOString() };
    record(rec);
    if (logEnabled) {
      res.on('finish', () => process.stderr.write(`[emulator] ${service} ${method} ${path}${rawQuery ? '?' + rawQuery : ''} -> ${rec.status} ${Date.now() - started}ms\n`));
      res.on('close', () => {
        if (!res.writableFinished) process.stderr.write(`[emulator] ${service} ${method} ${path} -> (no answer${rec.fault ? ', fault ' + rec.fault : ''})\n`);
      });
    }

    let route: CciRoute = { kind: 'unknown' };
    if (service === 'iam') {
      if (path === '/v3/auth/tokens' && method === 'POST') stats.iamTokenRequests++;
    } else {
      stats.cci.total++;
      route = classifyCci(method, path);
      switch (route.kind) {
        case 'get':
        case 'getStatus':
          stats.cci.get++;
          break;
        case 'list':
          stats.cci.list++;
          break;
        case 'patch':
          stats.cci.patch++;
          break;
        case 'patchStatus':
          stats.cci.patchStatus++;
          break;
        case 'create':
          stats.cci.create++;
          break;
        default:
          break;
      }
    }

    const bodyOrTooLarge = await readBody(req);
    const body = bodyOrTooLarge === 'too-large' ? Buffer.alloc(0) : bodyOrTooLarge;
    if (service === 'cci' && body.length > 0 && (method === 'PATCH' || method === 'POST' || method === 'PUT')) {
      const text = body.toString('utf8');
      rec.body = text.length > MAX_LOGGED_BODY ? text.slice(0, MAX_LOGGED_BODY) : text;
    }

    const fault = takeFault(service, method, path);
    if (fault) {
      rec.fault = fault.type;
      switch (fault.type) {
        case 'status': {
          const a = faultAnswer(fault, service);
          send(res, rec, a.status, a.contentType, a.body, a.headers);
          return;
        }
        case 'hang':
          // Never answer: the socket stays open until the client gives up or close() ends it.
          return;
        case 'reset': {
          const sock = req.socket as typeof req.socket & { resetAndDestroy?: () => void };
          if (typeof sock.resetAndDestroy === 'function') sock.resetAndDestroy();
          else sock.destroy();
          return;
        }
        case 'garbage': {
          const status = fault.status ?? 200;
          if (fault.kind === 'json') send(res, rec, status, 'application/json', '{"result":"ok","message":"accepted"}\n');
          else send(res, rec, status, 'text/html', '<html>gateway</html>');
          return;
        }
        case 'delay':
          await new Promise((r) => setTimeout(r, fault.ms));
          if (res.destroyed) return;
          break;
      }
    }

    if (bodyOrTooLarge === 'too-large') {
      sendError(res, rec, statusError(413, `Request entity too large: limit is ${MAX_BODY_BYTES}`, 'RequestEntityTooLarge'));
      return;
    }

    try {
      if (service === 'iam') {
        handleIam(method, path, query, body, res, rec);
      } else {
        handleCci(req, method, rawUrl, query, contentType, body, route, res, rec);
      }
    } catch (e) {
      sendError(res, rec, e);
    }
  }

  function handleIam(method: string, path: string, query: URLSearchParams, body: Buffer, res: http.ServerResponse, rec: RequestRecord): void {
    if (path !== '/v3/auth/tokens') {
      send(res, rec, 404, 'application/json', JSON.stringify({ error: { code: 404, message: 'The resource could not be found.', title: 'Not Found' } }));
      return;
    }
    if (method !== 'POST') {
      send(res, rec, 405, 'application/json', JSON.stringify({ error: { code: 405, message: 'The method is not allowed for the requested URL.', title: 'Method Not Allowed' } }));
      return;
    }
    const answer = issueTokenRequest({ users, projects, tokenTtlSeconds, authority, url: () => baseUrl }, body.toString('utf8'), query);
    send(res, rec, answer.status, 'application/json;charset=UTF-8', answer.body, answer.headers);
  }

  function authenticate(req: http.IncomingMessage, rawUrl: string, body: Buffer, rec: RequestRecord): void {
    const authz = headerString(req.headers['authorization']);
    if (authz && /^SDK-HMAC-SHA256\s/i.test(authz)) {
      if (!verifyAkSk) {
        rec.auth = 'none';
        throw new HttpError(401, JSON.stringify({ error_msg: 'Incorrect IAM authentication information: AK/SK verification is not available in this emulator build', error_code: 'APIGW.0301' }));
      }
      const result = verifyAkSk({ method: req.method ?? 'GET', rawUrl, headers: req.headers, body }, (ak) => akSk.get(ak));
      if (!result.ok) {
        rec.auth = 'none';
        throw new HttpError(401, JSON.stringify({ error_msg: `Incorrect IAM authentication information: ${result.message}`, error_code: 'APIGW.0301' }));
      }
      rec.auth = 'aksk';
      return;
    }
    const token = headerString(req.headers['x-auth-token']);
    if (!token) {
      rec.auth = 'none';
      throw unauthorized();
    }
    if (staticTokens.has(token)) {
      rec.auth = 'static';
      return;
    }
    const check = authority.check(token);
    if (check === 'ok') {
      rec.auth = 'token';
      return;
    }
    rec.auth = 'none';
    if (check === 'expired') throw new HttpError(401, JSON.stringify({ error_code: 'APIGW.0307', error_msg: 'The token must be updated.' }));
    throw unauthorized();
  }

  function handleCci(
    req: http.IncomingMessage,
    method: string,
    rawUrl: string,
    query: URLSearchParams,
    contentType: string,
    body: Buffer,
    route: CciRoute,
    res: http.ServerResponse,
    rec: RequestRecord,
  ): void {
    authenticate(req, rawUrl, body, rec);
    if (route.kind === 'unknown') throw genericNotFound();
    if (forbidden.has(route.namespace)) {
      const verb: Record<string, string> = { list: 'list', create: 'create', get: 'get', getStatus: 'get', patch: 'patch', patchStatus: 'patch' };
      throw forbiddenNamespace(route.namespace, verb[route.kind] ?? method.toLowerCase(), 'name' in route ? route.name : undefined);
    }
    const raw = body.toString('utf8');
    let answer;
    switch (route.kind) {
      case 'list':
        answer = cci.list(route.namespace, query);
        break;
      case 'create':
        answer = cci.create(route.namespace, query, contentType || undefined, raw);
        break;
      case 'get':
      case 'getStatus':
        answer = cci.get(route.namespace, route.name);
        break;
      case 'patch':
        answer = cci.patch(route.namespace, route.name, query, contentType || undefined, raw);
        break;
      case 'patchStatus':
        answer = cci.patch(route.namespace, route.name, query, contentType || undefined, raw, 'status');
        break;
      default:
        throw methodNotAllowed();
    }
    send(res, rec, answer.status, 'application/json', answer.body);
  }

  // ---------------------------------------------------------------- control interface

  function control(method: string, path: string, body: Buffer, res: http.ServerResponse): void {
    const reply = (status: number, value: unknown): void => {
      const text = JSON.stringify(value);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    let input: Record<string, unknown> = {};
    if (body.length > 0) {
      try {
        const parsed: unknown = JSON.parse(body.toString('utf8'));
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) input = parsed as Record<string, unknown>;
        else return reply(400, { error: 'body must be a JSON object' });
      } catch {
        return reply(400, { error: 'body is not JSON' });
      }
    }
    const p = path.replace(/\/+$/, '');
    try {
      if (p === '/_emulator/faults' && method === 'POST') {
        const rule = input as unknown as FaultRule & { path?: unknown };
        let rpath: string | RegExp | undefined;
        const pv = (input as { path?: unknown }).path;
        if (typeof pv === 'string') rpath = pv;
        else if (pv && typeof pv === 'object' && typeof (pv as { regex?: unknown }).regex === 'string') {
          const flags = (pv as { flags?: unknown }).flags;
          rpath = new RegExp((pv as { regex: string }).regex, typeof flags === 'string' ? flags : undefined);
        } else if (pv !== undefined && pv !== null) return reply(400, { error: 'path must be a string or {"regex": "..."}' });
        if (!validAction(rule.action)) return reply(400, { error: 'action must be one of status|delay|hang|reset|garbage with its fields' });
        addFault({ service: rule.service, method: rule.method, path: rpath, times: normaliseTimes((input as { times?: unknown }).times), action: rule.action });
        return reply(200, { ok: true, faults: faults.length });
      }
      if (p === '/_emulator/faults' && method === 'DELETE') {
        faults = [];
        return reply(200, { ok: true });
      }
      if (p === '/_emulator/faults' && method === 'GET') {
        return reply(200, faults.map((f) => ({ ...f, path: f.path instanceof RegExp ? { regex: f.path.source } : f.path, remaining: Number.isFinite(f.remaining) ? f.remaining : 'Infinity' })));
      }
      if (p === '/_emulator/stats' && method === 'GET') return reply(200, stats_());
      if (p === '/_emulator/reset-stats' && method === 'POST') {
        api.resetStats();
        return reply(200, { ok: true });
      }
      if (p === '/_emulator/tokens/revoke' && method === 'POST') {
        authority.revokeAll();
        return reply(200, { ok: true });
      }
      if (p === '/_emulator/tokens/expire' && method === 'POST') {
        authority.expireAll();
        return reply(200, { ok: true });
      }
      if (p === '/_emulator/tokens/mint' && method === 'POST') return reply(200, { token: api.mintToken() });
      if (p === '/_emulator/continue/expire' && method === 'POST') {
        api.expireContinueTokens();
        return reply(200, { ok: true });
      }
      if (p === '/_emulator/requests' && method === 'GET') return reply(200, log);
      if (p === '/_emulator/jobs/bulk' && method === 'POST') {
        const ns = input['namespace'];
        const count = input['count'];
        if (typeof ns !== 'string' || typeof count !== 'number' || count < 0) return reply(400, { error: 'namespace (string) and count (number) are required' });
        const o: BulkJobOptions = {};
        if (typeof input['prefix'] === 'string') o.prefix = input['prefix'];
        if (typeof input['phase'] === 'string') o.phase = input['phase'];
        if (typeof input['lastTransitionTime'] === 'string') o.lastTransitionTime = input['lastTransitionTime'];
        if (input['labels'] && typeof input['labels'] === 'object') o.labels = input['labels'] as Record<string, string>;
        createJobs(ns, count, o);
        return reply(200, { ok: true, namespace: ns, total: store.count(ns) });
      }
      const forbidM = /^\/_emulator\/namespaces\/([^/]+)\/forbid$/.exec(p);
      if (forbidM && method === 'POST') {
        forbidden.add(decodeURIComponent(forbidM[1]!));
        return reply(200, { ok: true });
      }
      const phaseM = /^\/_emulator\/jobs\/([^/]+)\/([^/]+)\/phase$/.exec(p);
      if (phaseM && method === 'POST') {
        const phase = input['phase'];
        if (typeof phase !== 'string') return reply(400, { error: 'phase (string) is required' });
        const ns = decodeURIComponent(phaseM[1]!);
        const name = decodeURIComponent(phaseM[2]!);
        if (!store.has(ns, name)) return reply(404, { error: `job ${ns}/${name} not found` });
        setPhase(ns, name, phase, typeof input['lastTransitionTime'] === 'string' ? input['lastTransitionTime'] : undefined);
        return reply(200, api.getJob(ns, name));
      }
      const jobM = /^\/_emulator\/jobs\/([^/]+)\/([^/]+)$/.exec(p);
      if (jobM && method === 'GET') {
        const job = api.getJob(decodeURIComponent(jobM[1]!), decodeURIComponent(jobM[2]!));
        return job ? reply(200, job) : reply(404, { error: 'not found' });
      }
      if (jobM && method === 'PUT') {
        const ns = decodeURIComponent(jobM[1]!);
        const job = input as unknown as Job;
        if (!job.metadata || typeof job.metadata !== 'object') return reply(400, { error: 'a Job with metadata is required' });
        job.metadata.name = decodeURIComponent(jobM[2]!);
        return reply(200, putJob(ns, job));
      }
      return reply(404, { error: `unknown control endpoint ${method} ${p}` });
    } catch (e) {
      return reply(400, { error: e instanceof Error ? e.message : String(e) });
    }
  }

  // ---------------------------------------------------------------- server

  const server = http.createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    handle(req, res).catch((e: unknown) => sendError(res, undefined, e));
  });
  server.keepAliveTimeout = 5_000;

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  baseUrl = `http://${urlHost}:${port}`;

  let closed: Promise<void> | undefined;
  const api: Emulator = {
    url: baseUrl,
    port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
    addFault,
    clearFaults() {
      faults = [];
    },
    stats: stats_,
    resetStats() {
      stats = emptyStats();
      log = [];
    },
    revokeTokens() {
      authority.revokeAll();
    },
    expireTokens() {
      authority.expireAll();
    },
    mintToken() {
      return authority.issue(tokenTtlSeconds).token;
    },
    putJob,
    createJobs,
    getJob(namespace, name) {
      const e = store.get(namespace, name);
      return e ? (JSON.parse(e.json) as Job) : undefined;
    },
    setPhase,
    forbidNamespace(namespace) {
      forbidden.add(namespace);
    },
    expireContinueTokens() {
      // Tokens carry the list resourceVersion; every one issued so far is below the new floor.
      store.rv += 1;
      cci.continueMinRv = store.rv;
    },
    requests() {
      return log.map((r) => ({ ...r }));
    },
  };
  return api;
}
