/**
 * Bench worker: bundled by bench/run.ts with esbuild and run by plain `node` (no tsx hooks), so the
 * function bundle is required exactly as the Lambda runtime would require it.
 *
 *   node worker.cjs <config.json>      (the config names the mode, the bundle, where to write results)
 *
 * Every handler answer is checked (HTTP 200, no batch failures, a complete sweep): a benchmark of
 * failing calls would measure the error path, so any failure aborts the worker.
 */
import { randomUUID } from 'node:crypto';
import { openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { signedPath, signWebhook } from '../lib/http/webhook-signature';

export type WorkerConfig =
  | { mode: 'warm'; common: Common; getJob?: string; patchJob?: string; blocks: number; perBlock: number; warmup: number }
  | { mode: 'token'; common: Common; bundle: string; concurrent: number; sequential: number }
  | { mode: 'sweep'; common: Common; bundle: string; timeoutS: number; runs: number }
  | { mode: 'queue'; common: Common; bundle: string; timeoutS: number; batches: number; perBatch: number; namespace: string; jobs: string[] };

interface Common {
  root: string;
  emulatorUrl: string;
  resultPath: string;
  secret: string;
  token: string;
  namespace: string;
  getJobName: string;
  patchJobName: string;
}

type Handler = (event: unknown, context: unknown) => Promise<any>;
type Json = Record<string, any>;

const cfg = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as WorkerConfig;
const C = cfg.common;
const nodeRequire = createRequire(__filename);

function now(): number {
  return performance.now();
}

function loadHandler(bundle: string): { handler: Handler; requireMs: number } {
  const t0 = now();
  const mod = nodeRequire(bundle) as { handler?: Handler };
  const requireMs = now() - t0;
  if (typeof mod.handler !== 'function') throw new Error(`${bundle} does not export a handler function`);
  return { handler: mod.handler, requireMs };
}

function sample(rel: string): Json {
  return JSON.parse(readFileSync(join(C.root, 'events', rel), 'utf8')) as Json;
}

function lambdaContext(remainingMs = 15_000): Json {
  const end = Date.now() + remainingMs;
  return { awsRequestId: randomUUID(), functionName: 'bench', getRemainingTimeInMillis: () => Math.max(0, end - Date.now()) };
}

const awsTemplates: Record<'GET' | 'PATCH', Json | undefined> = { GET: undefined, PATCH: undefined };

/** An API Gateway HTTP API (v2) event in the shape of events/aws/{getJob,patchJob}.json, signed. */
function httpEvent(method: 'GET' | 'PATCH', namespace: string, name: string, body = ''): Json {
  const tpl = (awsTemplates[method] ??= sample(method === 'GET' ? 'aws/getJob.json' : 'aws/patchJob.json'));
  const ev = structuredClone(tpl);
  const routePath = `/namespaces/${namespace}/jobs/${name}`;
  const headers: Record<string, string> = { ...ev.headers };
  if (method === 'PATCH') headers['content-type'] = 'application/json';
  Object.assign(headers, signWebhook(C.secret, method, signedPath(routePath, []), body));
  ev.headers = headers;
  ev.pathParameters = { namespace, name };
  ev.rawPath = routePath;
  ev.rawQueryString = '';
  delete ev.queryStringParameters;
  ev.requestContext.http.path = routePath;
  ev.requestContext.http.method = method;
  ev.routeKey = `${method} /namespaces/{namespace}/jobs/{name}`;
  if (body) ev.body = body;
  else delete ev.body;
  ev.isBase64Encoded = false;
  return ev;
}

function jobUrl(namespace: string, name: string): string {
  return `${C.emulatorUrl}/apis/batch.volcano.sh/v1alpha1/namespaces/${encodeURIComponent(namespace)}/jobs/${encodeURIComponent(name)}`;
}

/**
 * The emulator's request counters, over node:http (which the functions load anyway): a `fetch`
 * here would load undici and compile its WebAssembly parser inside a sweep's measured window,
 * ~20 MB of RSS that the function itself never uses.
 */
function emulatorStats(): Promise<{ iamTokenRequests: number; cci: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    httpGet(`${C.emulatorUrl}/_emulator/stats`, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { iamTokenRequests: number; cci: Record<string, number> });
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

function expectOk(res: any, what: string): void {
  if (!res || res.statusCode !== 200) {
    throw new Error(`${what}: expected 200, got ${res?.statusCode}: ${String(res?.body ?? '').slice(0, 500)}`);
  }
}

// ------------------------------------------------------------------ warm: handler vs bare fetch

interface Side {
  /** Prepared outside the timed region; returns the call to time. */
  prepare(seq: number): () => Promise<void>;
}

function getSides(handler: Handler): { fn: Side; bare: Side } {
  const url = jobUrl(C.namespace, C.getJobName);
  return {
    fn: {
      prepare: () => {
        const ev = httpEvent('GET', C.namespace, C.getJobName);
        const ctx = lambdaContext();
        return async () => expectOk(await handler(ev, ctx), 'getJob');
      },
    },
    bare: {
      prepare: () => async () => {
        const r = await fetch(url, { headers: { accept: 'application/json', 'x-auth-token': C.token } });
        const text = await r.text();
        if (r.status !== 200) throw new Error(`bare GET: ${r.status} ${text.slice(0, 300)}`);
        JSON.stringify(JSON.parse(text));
      },
    },
  };
}

function patchSides(handler: Handler): { fn: Side; bare: Side } {
  const url = jobUrl(C.namespace, C.patchJobName);
  // The label value alternates with every call (of either side), so every call writes.
  return {
    fn: {
      prepare: (seq) => {
        const ev = httpEvent('PATCH', C.namespace, C.patchJobName, JSON.stringify({ labels: { bench: `v${seq % 2}` } }));
        const ctx = lambdaContext();
        return async () => expectOk(await handler(ev, ctx), 'patchJob');
      },
    },
    bare: {
      prepare: (seq) => {
        const body = JSON.stringify({ metadata: { labels: { bench: `v${seq % 2}` } } });
        return async () => {
          const r = await fetch(url, {
            method: 'PATCH',
            headers: { accept: 'application/json', 'content-type': 'application/merge-patch+json', 'x-auth-token': C.token },
            body,
          });
          const text = await r.text();
          if (r.status !== 200) throw new Error(`bare PATCH: ${r.status} ${text.slice(0, 300)}`);
          JSON.stringify(JSON.parse(text));
        };
      },
    },
  };
}

let seq = 0;

async function timeBlock(side: Side, n: number, out: number[]): Promise<void> {
  const calls: Array<() => Promise<void>> = [];
  for (let i = 0; i < n; i++) calls.push(side.prepare(seq++));
  for (const call of calls) {
    const t0 = now();
    await call();
    out.push(now() - t0);
  }
}

async function compare(sides: { fn: Side; bare: Side }, blocks: number, perBlock: number, warmup: number) {
  // Warm-up (JIT, keep-alive connection, lazy imports), and the upstream requests per call.
  const s0 = await emulatorStats();
  await timeBlock(sides.fn, warmup, []);
  const s1 = await emulatorStats();
  await timeBlock(sides.bare, warmup, []);
  const fnMs: number[] = [];
  const bareMs: number[] = [];
  const blockRatios: number[] = [];
  const t0 = now();
  for (let b = 0; b < blocks; b++) {
    const f: number[] = [];
    const r: number[] = [];
    // Alternate which side goes first, so neither always follows the other.
    if (b % 2 === 0) {
      await timeBlock(sides.fn, perBlock, f);
      await timeBlock(sides.bare, perBlock, r);
    } else {
      await timeBlock(sides.bare, perBlock, r);
      await timeBlock(sides.fn, perBlock, f);
    }
    fnMs.push(...f);
    bareMs.push(...r);
    blockRatios.push(f.reduce((a, x) => a + x, 0) / r.reduce((a, x) => a + x, 0));
  }
  return {
    fnMs,
    bareMs,
    blockRatios,
    totalMs: now() - t0,
    upstreamPerCall: (s1.cci.total! - s0.cci.total! - 0) / warmup,
  };
}

async function warm(c: Extract<WorkerConfig, { mode: 'warm' }>): Promise<Json> {
  const out: Json = { rssStartKiB: Math.round(process.memoryUsage().rss / 1024) };
  if (c.getJob) {
    const { handler, requireMs } = loadHandler(c.getJob);
    out.getJob = { requireMs, ...(await compare(getSides(handler), c.blocks, c.perBlock, c.warmup)) };
  }
  if (c.patchJob) {
    const { handler, requireMs } = loadHandler(c.patchJob);
    out.patchJob = { requireMs, ...(await compare(patchSides(handler), c.blocks, c.perBlock, c.warmup)) };
  }
  out.maxRssKiB = process.resourceUsage().maxRSS;
  return out;
}

// ------------------------------------------------------------------ token economy

async function token(c: Extract<WorkerConfig, { mode: 'token' }>): Promise<Json> {
  const before = await emulatorStats();
  const { handler, requireMs } = loadHandler(c.bundle);
  const events = Array.from({ length: c.concurrent }, () => httpEvent('GET', C.namespace, C.getJobName));
  const t0 = now();
  const answers = await Promise.all(events.map((ev) => handler(ev, lambdaContext())));
  const concurrentMs = now() - t0;
  answers.forEach((a, i) => expectOk(a, `concurrent getJob #${i}`));
  const afterConcurrent = await emulatorStats();
  const t1 = now();
  for (let i = 0; i < c.sequential; i++) {
    expectOk(await handler(httpEvent('GET', C.namespace, C.getJobName), lambdaContext()), `sequential getJob #${i}`);
  }
  const sequentialMs = now() - t1;
  const afterSequential = await emulatorStats();
  return {
    requireMs,
    concurrent: c.concurrent,
    sequential: c.sequential,
    concurrentMs,
    sequentialMs,
    iamCallsConcurrent: afterConcurrent.iamTokenRequests - before.iamTokenRequests,
    iamCallsTotal: afterSequential.iamTokenRequests - before.iamTokenRequests,
    cciCalls: afterSequential.cci.total! - before.cci.total!,
  };
}

// ------------------------------------------------------------------ sweep

function vmHwmKiB(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+)\s*kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * This process's anonymous and file-backed resident memory (RssAnon, RssFile of /proc/self/status,
 * Linux), KiB, or undefined where there is no such file. The file is read into one buffer and its
 * digits parsed from the bytes, so sampling it every few milliseconds adds no strings to the heap
 * the sweep is measured on. File-backed pages are the Node binary's code, clean and evictable: a
 * function's memory limit is hit by anonymous memory (heap, malloc, buffers) first.
 */
const STATUS = Buffer.alloc(8192);
const RSS_ANON = Buffer.from('RssAnon:');
const RSS_FILE = Buffer.from('RssFile:');
let statusFd: number | null | undefined;

function kibAfter(buf: Buffer, end: number, key: Buffer): number | undefined {
  let i = buf.indexOf(key);
  if (i < 0 || i >= end) return undefined;
  i += key.length;
  while (buf[i] === 0x20 || buf[i] === 0x09) i++;
  let v = 0;
  let digits = 0;
  for (; buf[i]! >= 0x30 && buf[i]! <= 0x39; i++, digits++) v = v * 10 + (buf[i]! - 0x30);
  return digits > 0 ? v : undefined;
}

function rssParts(): { anonKiB: number; fileKiB: number } | undefined {
  if (statusFd === null) return undefined;
  try {
    statusFd ??= openSync('/proc/self/status', 'r');
    const n = readSync(statusFd, STATUS, 0, STATUS.length, 0);
    const anonKiB = kibAfter(STATUS, n, RSS_ANON);
    const fileKiB = kibAfter(STATUS, n, RSS_FILE);
    if (anonKiB === undefined || fileKiB === undefined) throw new Error('no RssAnon/RssFile');
    return { anonKiB, fileKiB };
  } catch {
    statusFd = null;
    return undefined;
  }
}

/** gc() as --expose-gc gives it, or the same from a new context once the flag is set (not made global). */
function fullCollection(): () => void {
  const global = (globalThis as { gc?: unknown }).gc;
  if (typeof global === 'function') return global as () => void;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function sweep(c: Extract<WorkerConfig, { mode: 'sweep' }>): Promise<Json> {
  const { handler, requireMs } = loadHandler(c.bundle);
  const event = sample('aws/sweepJobs.json');
  const runs: Json[] = [];
  const loaded = process.memoryUsage();
  const rssBeforeKiB = Math.round(loaded.rss / 1024);
  // Where the peak is: the largest of each part of memoryUsage(), sampled while the sweep runs.
  const peak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const partsBefore = rssParts();
  const partsPeak = { anonKiB: 0, fileKiB: 0 };
  const notePeak = (p = rssParts()) => {
    if (!p) return;
    partsPeak.anonKiB = Math.max(partsPeak.anonKiB, p.anonKiB);
    partsPeak.fileKiB = Math.max(partsPeak.fileKiB, p.fileKiB);
  };
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    for (const k of Object.keys(peak) as Array<keyof typeof peak>) peak[k] = Math.max(peak[k], m[k]);
    notePeak();
  }, 10);
  for (let i = 0; i < c.runs; i++) {
    const s0 = await emulatorStats();
    const cpu0 = process.cpuUsage();
    const t0 = now();
    const report = await handler(event, lambdaContext(c.timeoutS * 1000));
    const ms = now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const s1 = await emulatorStats();
    runs.push({
      ms,
      // The sweep process's own CPU time (user + system): steadier than wall time on a busy machine.
      cpuMs: (cpu.user + cpu.system) / 1000,
      jobs: report?.jobs,
      complete: report?.complete,
      phases: report?.phases,
      stuck: Array.isArray(report?.stuck) ? report.stuck.length : undefined,
      transitions: Array.isArray(report?.transitions) ? report.transitions.length : undefined,
      failures: report?.failures,
      cciList: s1.cci.list! - s0.cci.list!,
      cciPatch: s1.cci.patch! - s0.cci.patch!,
      maxRssKiB: process.resourceUsage().maxRSS,
    });
  }
  clearInterval(sampler);
  const peakKiB = Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, Math.round(v / 1024)]));
  // What the sweep left alive: the heap after a full collection. Per-job state kept past the
  // sweep would show here. The collection is had only now: a global gc() during the sweep would
  // turn on the sweep's heap guard where the deployed function does not have it.
  const gc = fullCollection();
  gc();
  const liveAfterKiB = Math.round(process.memoryUsage().heapUsed / 1024);
  // The heap limit V8 runs with: shows that the flags (or NODE_OPTIONS) the bench meant reached it.
  const heapLimitKiB = Math.round(getHeapStatistics().heap_size_limit / 1024);
  // The last sample may predate the sweep's end: one more read after it.
  notePeak();
  const memoryParts = partsBefore ? { anonBeforeKiB: partsBefore.anonKiB, anonPeakKiB: partsPeak.anonKiB, fileBeforeKiB: partsBefore.fileKiB, filePeakKiB: partsPeak.fileKiB } : undefined;
  return { requireMs, rssBeforeKiB, memoryParts, liveAfterKiB, heapLimitKiB, runs, maxRssKiB: process.resourceUsage().maxRSS, vmHwmKiB: vmHwmKiB(), peakKiB, loadedKiB: Object.fromEntries(Object.entries(loaded).map(([k, v]) => [k, Math.round(v / 1024)])) };
}

// ------------------------------------------------------------------ queue

function sqsRecordTemplate(): Json {
  try {
    const ev = sample('aws/patchFromQueue.json');
    if (Array.isArray(ev.Records) && ev.Records[0]) return ev.Records[0] as Json;
  } catch {
    /* built below */
  }
  return {
    messageId: '',
    receiptHandle: 'AQEBbench',
    body: '',
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'AIDABENCH', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '00000000000000000000000000000000',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:volcano-job-functions-dev-patch-requests',
    awsRegion: 'eu-west-1',
  };
}

async function queue(c: Extract<WorkerConfig, { mode: 'queue' }>): Promise<Json> {
  const { handler, requireMs } = loadHandler(c.bundle);
  const tpl = sqsRecordTemplate();
  let m = 0;
  const batch = (key: string): Json => ({
    Records: Array.from({ length: c.perBatch }, () => {
      const i = m++;
      const body = JSON.stringify({ namespace: c.namespace, name: c.jobs[i % c.jobs.length], labels: { [key]: `m${i}` } });
      return { ...structuredClone(tpl), messageId: randomUUID(), body, attributes: { ...tpl.attributes, SentTimestamp: String(Date.now()) } };
    }),
  });
  const check = (res: any, what: string) => {
    const failures = res?.batchItemFailures;
    if (!Array.isArray(failures) || failures.length > 0) throw new Error(`${what}: ${JSON.stringify(res).slice(0, 500)}`);
  };
  // Two untimed batches: the first call of a cold module (lazy imports) is not throughput.
  for (let i = 0; i < 2; i++) check(await handler(batch('bench-warmup'), lambdaContext(c.timeoutS * 1000)), 'warm-up batch');
  const events = Array.from({ length: c.batches }, () => batch('bench-q'));
  const s0 = await emulatorStats();
  const perBatch: number[] = [];
  const t0 = now();
  for (const [i, ev] of events.entries()) {
    const b0 = now();
    check(await handler(ev, lambdaContext(c.timeoutS * 1000)), `batch #${i}`);
    perBatch.push(now() - b0);
  }
  const totalMs = now() - t0;
  const s1 = await emulatorStats();
  const messages = c.batches * c.perBatch;
  return { requireMs, messages, totalMs, perBatchMs: perBatch, cciCalls: s1.cci.total! - s0.cci.total!, maxRssKiB: process.resourceUsage().maxRSS };
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  let result: Json;
  switch (cfg.mode) {
    case 'warm':
      result = await warm(cfg);
      break;
    case 'token':
      result = await token(cfg);
      break;
    case 'sweep':
      result = await sweep(cfg);
      break;
    case 'queue':
      result = await queue(cfg);
      break;
  }
  writeFileSync(C.resultPath, JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`[bench worker ${cfg.mode}] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
