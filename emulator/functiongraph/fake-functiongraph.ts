/**
 * A local stand-in for the FunctionGraph API (`/v2/{project_id}/fgs/...`), for the deploy's tests:
 * nothing in Huawei Cloud is reachable from them. A real HTTP server on 127.0.0.1 that checks each
 * request's SDK-HMAC-SHA256 signature with the emulator's verifier, keeps functions and triggers
 * in memory with the API's response shapes (snake_case fields, `user_data` as a JSON string,
 * `digest` = hex SHA-512 of the code), answers errors as `{error_code, error_msg}`, records every
 * request so tests can count writes, and can be told to refuse a request (a quota error, say).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyAkSk } from '../aksk-verify';
import { isJsonObject as isRecord } from '../../lib/core/json';

export interface FakeFunctionGraphOptions {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
  projectId: string;
  region?: string;
  /** Answer `encrypted_user_data` as "" (whether the real API returns it is not documented). */
  hideEncryptedUserData?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Decoded path, without the query. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export interface Refusal {
  method?: string;
  /** Matched against the decoded path. */
  path?: RegExp;
  status: number;
  error_code: string;
  error_msg: string;
  /** How many matching requests to refuse (default 1). */
  times?: number;
}

type Json = Record<string, unknown>;

export interface FakeFunction {
  record: Json;
  code: Buffer;
  triggers: Json[];
}

export interface FakeFunctionGraph {
  url: string;
  requests: RecordedRequest[];
  /** Requests that change something (POST, PUT, DELETE). */
  writes(): RecordedRequest[];
  functions(): Map<string, FakeFunction>;
  refuse(rule: Refusal): void;
  close(): Promise<void>;
}

const RUNTIMES = new Set(['Node.js14.18', 'Node.js16.17', 'Node.js18.15', 'Node.js20.15', 'Python3.9', 'Python3.10', 'Java11', 'Go1.x', 'Custom', 'http']);
const MEMORY = new Set([128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 8192, 10240]);
const TRIGGER_TYPES = new Set(['TIMER', 'APIG', 'DEDICATEDGATEWAY', 'KAFKA', 'SMN', 'OBS', 'DMS', 'LTS', 'CTS', 'DIS', 'RABBITMQ', 'OPENSOURCEKAFKA']);
const FUNC_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function parseVariables(v: unknown, field: string): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string') throw new ApiError(400, 'FSS.1009', `Invalid function UserData: ${field} must be a JSON string.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new ApiError(400, 'FSS.1009', `Invalid function UserData: ${field} is not JSON.`);
  }
  if (!isRecord(parsed) || Object.values(parsed).some((x) => typeof x !== 'string')) {
    throw new ApiError(400, 'FSS.1009', `Invalid function UserData: ${field} must map names to strings.`);
  }
  if (Object.keys(parsed).length > 20) throw new ApiError(400, 'FSS.1017', 'The number of environment variables exceeds the maximum allowed limit (20).');
  return v;
}

function decodeZip(body: Json): Buffer {
  const fc = body.func_code;
  const file = isRecord(fc) ? str(fc.file) : undefined;
  if (!file) throw new ApiError(400, 'FSS.1012', 'The function code must be configured.');
  const zip = Buffer.from(file, 'base64');
  if (zip.length < 4 || zip.readUInt32LE(0) !== 0x04034b50) throw new ApiError(400, 'FSS.1011', 'Invalid function code: not a zip file.');
  if (!str(body.code_filename)) throw new ApiError(400, 'FSS.0400', 'Invalid parameter: code_filename is required for zip code.');
  return zip;
}

export async function startFakeFunctionGraph(opts: FakeFunctionGraphOptions): Promise<FakeFunctionGraph> {
  const region = opts.region ?? 'cn-north-4';
  const domainId = 'd0000000000000000000000000000001';
  const functions = new Map<string, FakeFunction>();
  const requests: RecordedRequest[] = [];
  const refusals: Refusal[] = [];
  const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, '+00:00');

  const urnOf = (pkg: string, name: string): string => `urn:fss:${region}:${opts.projectId}:function:${pkg}:${name}`;
  const find = (urnParam: string): { urn: string; fn: FakeFunction; latest: boolean } => {
    const latest = urnParam.endsWith(':latest');
    const urn = latest ? urnParam.slice(0, -':latest'.length) : urnParam;
    const fn = functions.get(urn);
    if (!fn) throw new ApiError(404, 'FSS.0404', 'The specified resource was not found.');
    return { urn, fn, latest };
  };
  const shown = (fn: FakeFunction): Json => (opts.hideEncryptedUserData ? { ...fn.record, encrypted_user_data: '' } : { ...fn.record });
  const listView = (fn: FakeFunction): Json => {
    const { func_id: _id, ...rest } = shown(fn);
    return rest;
  };

  function createFunction(body: Json): Json {
    const name = str(body.func_name);
    if (!name || !FUNC_NAME.test(name)) throw new ApiError(400, 'FSS.1002', 'Invalid function name.');
    const pkg = str(body.package) ?? 'default';
    const runtime = str(body.runtime);
    if (!runtime || !RUNTIMES.has(runtime)) throw new ApiError(400, 'FSS.1005', 'Invalid runtime.');
    if (!str(body.handler)) throw new ApiError(400, 'FSS.1003', 'Invalid function handler.');
    if (typeof body.memory_size !== 'number' || !MEMORY.has(body.memory_size)) throw new ApiError(400, 'FSS.1007', 'Invalid function memory.');
    if (typeof body.timeout !== 'number' || body.timeout < 3 || body.timeout > 900) throw new ApiError(400, 'FSS.1008', 'Invalid function timeout.');
    if (body.code_type !== 'zip') throw new ApiError(400, 'FSS.1006', 'Invalid function code entry mode (this fake knows zip only).');
    const code = decodeZip(body);
    const urn = urnOf(pkg, name);
    if (functions.has(urn)) throw new ApiError(409, 'FSS.0409', 'The specified resource already exists.');
    const record: Json = {
      func_id: randomUUID(),
      resource_id: randomUUID(),
      func_urn: urn,
      func_name: name,
      domain_id: domainId,
      namespace: opts.projectId,
      project_name: region,
      package: pkg,
      runtime,
      timeout: body.timeout,
      handler: body.handler,
      memory_size: body.memory_size,
      cpu: 300,
      code_type: 'zip',
      code_url: '',
      code_filename: body.code_filename,
      code_size: code.length,
      user_data: parseVariables(body.user_data, 'user_data'),
      encrypted_user_data: parseVariables(body.encrypted_user_data, 'encrypted_user_data'),
      digest: createHash('sha512').update(code).digest('hex'),
      version: 'latest',
      image_name: `latest-${Date.now()}`,
      xrole: str(body.xrole) ?? '',
      app_xrole: '',
      description: str(body.description) ?? '',
      last_modified: now(),
      strategy_config: { concurrency: -1, concurrent_num: 1 },
      enterprise_project_id: '0',
      type: str(body.type) ?? 'v2',
    };
    const fn: FakeFunction = { record, code, triggers: [] };
    functions.set(urn, fn);
    return shown(fn);
  }

  function updateCode(urnParam: string, body: Json): Json {
    const { fn } = find(urnParam);
    if (body.code_type !== 'zip') throw new ApiError(400, 'FSS.1006', 'Invalid function code entry mode (this fake knows zip only).');
    const code = decodeZip(body);
    fn.code = code;
    Object.assign(fn.record, {
      code_filename: body.code_filename,
      code_size: code.length,
      digest: createHash('sha512').update(code).digest('hex'),
      last_modified: now(),
      image_name: `latest-${Date.now()}`,
    });
    const r = fn.record;
    return {
      func_urn: r.func_urn,
      func_name: r.func_name,
      domain_id: domainId,
      runtime: r.runtime,
      code_type: r.code_type,
      code_url: '',
      code_filename: r.code_filename,
      code_size: r.code_size,
      digest: r.digest,
      last_modified: r.last_modified,
      func_code: { file: '', link: '' },
      depend_list: [],
      strategy_config: r.strategy_config,
    };
  }

  function updateConfig(urnParam: string, body: Json): Json {
    const { fn } = find(urnParam);
    if (body.func_name !== fn.record.func_name) throw new ApiError(400, 'FSS.1002', 'Invalid function name: func_name must be the function\'s own.');
    if (typeof body.memory_size !== 'number' || !MEMORY.has(body.memory_size)) throw new ApiError(400, 'FSS.1007', 'Invalid function memory.');
    if (typeof body.timeout !== 'number' || body.timeout < 3 || body.timeout > 900) throw new ApiError(400, 'FSS.1008', 'Invalid function timeout.');
    const runtime = str(body.runtime);
    if (!runtime || !RUNTIMES.has(runtime)) throw new ApiError(400, 'FSS.1005', 'Invalid runtime.');
    if (!str(body.handler)) throw new ApiError(400, 'FSS.1003', 'Invalid function handler.');
    Object.assign(fn.record, {
      runtime,
      handler: body.handler,
      memory_size: body.memory_size,
      timeout: body.timeout,
      user_data: parseVariables(body.user_data, 'user_data'),
      encrypted_user_data: parseVariables(body.encrypted_user_data, 'encrypted_user_data'),
      // Omitted fields are cleared, as on a full configuration update.
      xrole: str(body.xrole) ?? '',
      description: str(body.description) ?? '',
      last_modified: now(),
    });
    return { ...shown(fn), func_urn: `${String(fn.record.func_urn)}:latest` };
  }

  function createTrigger(urnParam: string, body: Json): Json {
    const { urn, fn } = find(urnParam);
    const type = str(body.trigger_type_code);
    if (!type || !TRIGGER_TYPES.has(type)) throw new ApiError(400, 'FSS.0400', 'Invalid parameter: trigger_type_code.');
    const ev = isRecord(body.event_data) ? { ...body.event_data } : undefined;
    if (!ev) throw new ApiError(400, 'FSS.0400', 'Invalid parameter: event_data is required.');
    const need = (...keys: string[]): void => {
      for (const k of keys) if (ev[k] === undefined || ev[k] === '') throw new ApiError(400, 'FSS.0400', `Invalid parameter: event_data.${k} is required.`);
    };
    const id = randomUUID().replace(/-/g, '');
    if (type === 'TIMER') {
      need('name', 'schedule_type', 'schedule');
      if (!['Rate', 'Cron'].includes(String(ev.schedule_type))) throw new ApiError(400, 'FSS.0400', 'Invalid parameter: schedule_type.');
      if (ev.schedule_type === 'Rate' && !/^\d+[mhd]$/.test(String(ev.schedule))) throw new ApiError(400, 'FSS.0400', 'Invalid parameter: schedule.');
      if (fn.triggers.some((t) => t.trigger_type_code === 'TIMER' && isRecord(t.event_data) && t.event_data.name === ev.name)) {
        throw new ApiError(409, 'FSS.0409', 'The specified resource already exists.');
      }
    } else if (type === 'APIG' || type === 'DEDICATEDGATEWAY') {
      need('group_id', 'env_id', 'name', 'path', 'req_method', 'auth', 'protocol', ...(type === 'DEDICATEDGATEWAY' ? ['instance_id'] : []));
      const clash = fn.triggers.some(
        (t) => isRecord(t.event_data) && t.event_data.group_id === ev.group_id && t.event_data.path === ev.path && t.event_data.req_method === ev.req_method,
      );
      if (clash) throw new ApiError(409, 'FSS.0409', 'The specified resource already exists.');
      const fi = isRecord(ev.func_info) ? ev.func_info : {};
      Object.assign(ev, {
        api_id: randomUUID().replace(/-/g, ''),
        api_name: ev.name,
        group_name: `group-${String(ev.group_id).slice(0, 6)}`,
        invoke_url: `${String(ev.protocol).toLowerCase()}://${String(ev.group_id)}.apig.${region}.huaweicloudapis.com${String(ev.path)}`,
        func_info: { function_urn: urn, invocation_type: 'sync', timeout: typeof fi.timeout === 'number' ? fi.timeout : 5000, version: 'latest' },
        triggerid: id,
      });
    } else if (type === 'KAFKA') {
      need('instance_id', 'topic_ids');
      // Secrets are write-only.
      delete ev.kafka_password;
    }
    const trigger: Json = {
      trigger_id: id,
      trigger_type_code: type,
      // As the API: Kafka triggers start DISABLED unless asked otherwise.
      trigger_status: str(body.trigger_status) ?? (type === 'KAFKA' ? 'DISABLED' : 'ACTIVE'),
      event_data: ev,
      last_updated_time: now(),
      created_time: now(),
    };
    fn.triggers.push(trigger);
    return trigger;
  }

  function deleteTrigger(urnParam: string, type: string, id: string): void {
    const { fn, latest } = find(urnParam);
    if (latest) throw new ApiError(400, 'FSS.0400', 'Invalid parameter: a trigger is deleted through the function URN without a version.');
    const i = fn.triggers.findIndex((t) => t.trigger_id === id && t.trigger_type_code === type);
    if (i === -1) throw new ApiError(404, 'FSS.0404', 'The specified resource was not found.');
    fn.triggers.splice(i, 1);
  }

  function listFunctions(q: URLSearchParams): Json {
    const pkg = q.get('package_name');
    const name = q.get('func_name');
    const all = [...functions.values()].filter(
      (f) => (!pkg || f.record.package === pkg) && (!name || String(f.record.func_name).includes(name)),
    );
    const marker = Number(q.get('marker') ?? '0') || 0;
    const max = Number(q.get('maxitems') ?? '400') || 400;
    const page = all.slice(marker, marker + Math.min(max, 400));
    return { functions: page.map(listView), next_marker: marker + page.length, count: all.length };
  }

  function route(method: string, path: string, q: URLSearchParams, body: Json): [number, unknown] {
    const base = `/v2/${opts.projectId}/fgs`;
    if (!path.startsWith(`${base}/`)) throw new ApiError(403, 'FSS.0403', 'Forbidden: the project id in the path is not the credentials\' project.');
    const rest = path.slice(base.length).split('/').filter((p) => p !== '');
    const [kind, urn, a, b] = rest;
    if (kind === 'functions') {
      if (rest.length === 1 && method === 'GET') return [200, listFunctions(q)];
      if (rest.length === 1 && method === 'POST') return [200, createFunction(body)];
      if (rest.length === 3 && a === 'config' && method === 'GET') {
        const { fn } = find(urn!);
        return [200, { ...shown(fn), func_urn: `${String(fn.record.func_urn)}:latest` }];
      }
      if (rest.length === 3 && a === 'config' && method === 'PUT') return [200, updateConfig(urn!, body)];
      if (rest.length === 3 && a === 'code' && method === 'PUT') return [200, updateCode(urn!, body)];
    }
    if (kind === 'triggers') {
      if (rest.length === 2 && method === 'GET') return [200, find(urn!).fn.triggers];
      if (rest.length === 2 && method === 'POST') return [201, createTrigger(urn!, body)];
      if (rest.length === 4 && method === 'DELETE') {
        deleteTrigger(urn!, a!, b!);
        return [204, undefined];
      }
    }
    throw new ApiError(404, 'FSS.0404', 'The specified resource was not found.');
  }

  function send(res: ServerResponse, status: number, body: unknown): void {
    const requestId = randomUUID().replace(/-/g, '');
    if (body === undefined) {
      res.writeHead(status, { 'x-request-id': requestId });
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const method = req.method ?? 'GET';
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path: string;
    try {
      path = u.pathname.split('/').map(decodeURIComponent).join('/');
    } catch {
      return send(res, 400, { error_code: 'FSS.0400', error_msg: 'Invalid parameter: malformed path.' });
    }
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        requests.push({ method, path, query: u.searchParams, body: raw.toString('utf8'), headers: req.headers });
        return send(res, 406, { error_code: 'FSS.0406', error_msg: 'Not acceptable: the body is not JSON.' });
      }
    }
    requests.push({ method, path, query: u.searchParams, body, headers: req.headers });

    const verdict = verifyAkSk({ method, rawUrl: req.url ?? '/', headers: req.headers, body: raw }, (ak) =>
      ak === opts.accessKey ? { secretKey: opts.secretKey, ...(opts.securityToken ? { securityToken: opts.securityToken } : {}) } : undefined,
    );
    if (!verdict.ok) return send(res, 401, { error_code: 'APIGW.0301', error_msg: `Incorrect IAM authentication information: ${verdict.message}` });
    const projectHeader = req.headers['x-project-id'];
    if (projectHeader !== undefined && projectHeader !== opts.projectId) {
      return send(res, 401, { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information: X-Project-Id does not match.' });
    }

    const rule = refusals.find((r) => (!r.method || r.method === method) && (!r.path || r.path.test(path)));
    if (rule) {
      rule.times = (rule.times ?? 1) - 1;
      if (rule.times <= 0) refusals.splice(refusals.indexOf(rule), 1);
      return send(res, rule.status, { error_code: rule.error_code, error_msg: rule.error_msg });
    }
    try {
      const [status, answer] = route(method, path, u.searchParams, isRecord(body) ? body : {});
      send(res, status, answer);
    } catch (e) {
      if (e instanceof ApiError) return send(res, e.status, { error_code: e.code, error_msg: e.message });
      send(res, 500, { error_code: 'FSS.0500', error_msg: 'Internal server error.' });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { error_code: 'FSS.0500', error_msg: 'Internal server error.' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    writes: () => requests.filter((r) => r.method === 'POST' || r.method === 'PUT' || r.method === 'DELETE'),
    functions: () => functions,
    refuse: (rule) => refusals.push({ ...rule }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
