/**
 * `npm run bench [-- --quick] [-- --json <path>] [-- --node <path>] [-- --only cold,warm,token,sweep,scaling,latency,compare,queue] [-- --baseline <checkout>]`
 *
 * Builds the functions as deployed (`serverless package`), starts the local IAM + CCI emulator, and
 * measures: bundle bytes, cold module load, warm per-call overhead against a bare `fetch` of the
 * same upstream, IAM token economy, sweep throughput and memory, queue throughput. Prints one table
 * and writes every figure to bench/results.json (git-ignored).
 *
 * Exit code: with --quick (CI), non-zero only when a byte or IAM-call budget fails (or those could
 * not be measured); timings only report. Without --quick, always 0: FAIL rows are printed clearly.
 *
 * Processes: the emulator runs in this process; every measurement of a function runs in a fresh
 * `node` child that requires the unzipped bundle (no tsx hooks), so the handler and the bare-fetch
 * baseline share one process, one fetch dispatcher and one server, and the server's work runs on
 * another core than the caller's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { startEmulator, SEED_NAMESPACE, type Emulator } from '../emulator/index';
import { packageFunctions, type BuildResult, type BuiltFunction } from './build';
import { median, round, summarize } from './stats';
import type { WorkerConfig } from './worker';
import { DEFAULT_WRITES_IN_FLIGHT } from '../lib/sweep/run';

const ROOT = resolve(__dirname, '..');

// ------------------------------------------------------------------ options

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
/** The value after `--flag`, if it has one. */
const argValue = (flag: string): string | undefined => {
  const i = argv.indexOf(flag);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : undefined;
};
const JSON_PATH = resolve(argValue('--json') ?? join(ROOT, 'bench', 'results.json'));
const KEEP = argv.includes('--keep');
/** The measuring sections, in the order they run; `--only scaling,latency` runs just those (packaging always runs). */
const SECTIONS = ['cold', 'warm', 'token', 'sweep', 'scaling', 'latency', 'compare', 'queue'] as const;
type Section = (typeof SECTIONS)[number];
const ONLY = argValue('--only')?.split(',').map((s) => s.trim()).filter(Boolean);
const unknownSections = (ONLY ?? []).filter((s) => !(SECTIONS as readonly string[]).includes(s));
/** Whether this run measures `section`. */
const wants = (section: Section): boolean => ONLY === undefined || ONLY.includes(section);
/**
 * `--baseline <checkout>`: another checkout of this project (a commit to compare with, its own
 * `npm ci` done), packaged as deployed like this one; the compare section then sweeps both.
 */
const BASELINE = argValue('--baseline');
/**
 * The `node` every function process runs on (cold loads, warm calls, sweeps, the queue): this one
 * by default, or `--node <path>` (BENCH_NODE), e.g. the Node major Lambda's nodejs22.x runtime has.
 * The emulator and the packaging stay on this process's Node.
 */
const FN_NODE = resolve(argValue('--node') ?? (process.env.BENCH_NODE || process.execPath));

const P = QUICK
  ? { coldRuns: 9, blocks: 10, perBlock: 20, warmup: 30, sequential: 1_000, sweepJobs: 2_000, scalingJobs: [2_500, 10_000], latencyJobs: 0, batches: 10 }
  : { coldRuns: 21, blocks: 10, perBlock: 100, warmup: 100, sequential: 10_000, sweepJobs: 10_000, scalingJobs: [2_500, 10_000, 40_000], latencyJobs: 4_000, batches: 50 };

const BUDGET = { bundleBytes: 65_536, coldMs: 10, warmRatio: 1.1, iamCalls: 1, sweepRssMiB: 128, sweepGrowthMiB: 16, sweepFlatMiB: 4, sweepRateRatio: 1 };

/** The compare section: alternating rounds of this build and the baseline, each a first and a steady sweep of as many jobs. */
const COMPARE = QUICK ? { rounds: 3, jobs: 2_000 } : { rounds: 8, jobs: 10_000 };

const SECRET = 'bench-webhook-secret';
const STATIC_TOKEN = 'local-dev-token';
const IAM = { IAM_DOMAIN: 'demo-domain', IAM_USER: 'demo-user', IAM_PASSWORD: 'demo-password', IAM_PROJECT: 'cn-north-4' };
const GET_JOB = 'openmpi-hello-3-com';
const PATCH_JOB = 'openmpi-hello-2-com';
const SWEEP_NAMESPACE_COUNT = 10;
/** Phases of a seeded fleet's namespaces, in turn: some of each, most of them running. */
const FLEET_PHASES = ['Running', 'Pending', 'Completed', 'Failed', 'Running'];

/** `jobs` jobs over SWEEP_NAMESPACE_COUNT new namespaces `<prefix>-0`, `<prefix>-1`, ..., each in the next of `phases`: the namespaces. */
function seedFleet(emu: Emulator, prefix: string, jobs: number, phases: readonly string[] = FLEET_PHASES): string[] {
  const namespaces = Array.from({ length: SWEEP_NAMESPACE_COUNT }, (_, i) => `${prefix}-${i}`);
  namespaces.forEach((ns, i) => emu.createJobs(ns, jobs / SWEEP_NAMESPACE_COUNT, { phase: phases[i % phases.length]! }));
  return namespaces;
}

// ------------------------------------------------------------------ rows

type Status = 'pass' | 'FAIL' | 'info' | 'ERROR' | 'skip';
/** Which rows may fail CI in --quick mode. */
type Gate = 'bytes' | 'iam' | 'time' | 'memory' | 'none';

interface Row {
  section: string;
  figure: string;
  value: number | string | null;
  unit: string;
  budget: string;
  status: Status;
  gate: Gate;
}

const rows: Row[] = [];
const details: Record<string, unknown> = {};

function row(section: string, figure: string, value: number | string | null, unit: string, gate: Gate = 'none', budget?: { max?: number; eq?: number; min?: number }): void {
  let status: Status = 'info';
  let b = '';
  if (budget && typeof value === 'number') {
    if (budget.min !== undefined) {
      b = `≥ ${budget.min}`;
      status = value >= budget.min ? 'pass' : 'FAIL';
    } else if (budget.max !== undefined) {
      b = `≤ ${budget.max}`;
      status = value <= budget.max ? 'pass' : 'FAIL';
    } else if (budget.eq !== undefined) {
      b = `= ${budget.eq}`;
      status = value === budget.eq ? 'pass' : 'FAIL';
    }
  }
  rows.push({ section, figure, value, unit, budget: b, status, gate });
}

function errorRow(section: string, figure: string, err: unknown, gate: Gate): void {
  const msg = err instanceof Error ? err.message : String(err);
  rows.push({ section, figure, value: msg.split('\n')[0]!.slice(0, 160), unit: '', budget: '', status: 'ERROR', gate });
  details[`${section}Error`] = msg;
  process.stderr.write(`\n[bench] ${section}: ${msg}\n`);
}

function progress(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

// ------------------------------------------------------------------ child processes

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'SWEEP_PAGE_SIZE', 'SWEEP_CONCURRENCY']) if (process.env[k] !== undefined) env[k] = process.env[k];
  // What the deployed functions see (serverless.yml), minus what the bench sets itself.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  env.LOG_LEVEL = 'info';
  env.AWS_REGION = 'eu-west-1';
  return { ...env, ...extra };
}

interface WorkerRun {
  result: any;
  stdoutLines: number;
  wallMs: number;
  /** `heapCollections` of the last `sweep done` log line (sweep/heap), if one was logged. */
  heapCollections: number | undefined;
}

/** The function's `sweep done` line names the heap guard's collections: `"heapCollections":N`. */
const HEAP_COLLECTIONS = /"heapCollections":(\d+)/;

async function runWorker(workerJs: string, work: string, cfg: WorkerConfig, env: NodeJS.ProcessEnv, timeoutMs = 240_000, nodeArgs: string[] = []): Promise<WorkerRun> {
  const cfgPath = join(work, `worker-${cfg.mode}-${Date.now()}.json`);
  writeFileSync(cfgPath, JSON.stringify(cfg));
  const t0 = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(FN_NODE, [...nodeArgs, workerJs, cfgPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let stderr = '';
    let heapCollections: number | undefined;
    // A line may arrive in two chunks: the end of one is kept for the next.
    let tail = '';
    // The functions log one JSON line per invocation to stdout, as on Lambda: drained here.
    child.stdout.on('data', (c: Buffer) => {
      for (const b of c) if (b === 10) lines++;
      const text = tail + c.toString('latin1');
      const found = HEAP_COLLECTIONS.exec(text);
      if (found) heapCollections = Number(found[1]);
      tail = text.slice(-64);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString('utf8')).slice(-4000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      if (code !== 0) return reject(new Error(`worker ${cfg.mode} exited ${code ?? signal}: ${stderr.trim()}`));
      try {
        resolvePromise({ result: JSON.parse(readFileSync(cfg.common.resultPath, 'utf8')), stdoutLines: lines, wallMs, heapCollections });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

// ------------------------------------------------------------------ sections

function bundleSection(b: BuildResult): void {
  for (const f of b.functions) {
    row('bundle', `${f.name} minified JS`, f.jsBytes, 'B', 'bytes', { max: BUDGET.bundleBytes });
    row('bundle', `${f.name} zip`, f.zipBytes, 'B');
  }
  details.bundle = {
    packageMs: round(b.packageMs, 0),
    functions: b.functions.map((f) => ({ name: f.name, handler: f.handler, jsBytes: f.jsBytes, zipBytes: f.zipBytes, entries: f.entries })),
  };
}

/**
 * Loads one bundle and reports. The report goes out with fs.writeSync(1): `process.stdout` would
 * build a pipe stream (net and its streams), ~2.5 ms that a bare `node -e 0` does not pay and that
 * is the harness's, not the handler's.
 */
const COLD_SCRIPT =
  'const t=process.hrtime.bigint();const m=require(process.argv[1]);const ms=Number(process.hrtime.bigint()-t)/1e6;' +
  "require('fs').writeSync(1,JSON.stringify({ms,handler:typeof m.handler,sdk:Object.keys(require.cache).some(k=>k.includes('@aws-sdk')),yaml:Object.keys(require.cache).some(k=>/[\\\\/]node_modules[\\\\/]yaml[\\\\/]/.test(k))}))";

/**
 * What the first call to an `https://` endpoint adds: the bundles require `node:https` (and with it
 * `node:tls`) on first use, so the cold-load rows do not include it. Loads a bundle, then times that
 * require; `already` says whether the bundle had loaded TLS itself (then the time is ~0).
 */
const TLS_SCRIPT =
  "require(process.argv[1]);const already=process.moduleLoadList.includes('NativeModule tls');const t=process.hrtime.bigint();require('node:https');" +
  "require('fs').writeSync(1,JSON.stringify({ms:Number(process.hrtime.bigint()-t)/1e6,already}))";

/** A handler that does nothing, loaded by the same script: what any handler costs before its own code. */
const EMPTY_HANDLER = 'exports.handler = async () => ({});\n';

/**
 * Cold load, in fresh processes interleaved round by round. The budget row subtracts a process that
 * loads an empty handler with the same script: Node's module loader resolving and reading a first
 * file, and the harness's report, are the same for any handler (a platform's runtime pays them for
 * a hello-world too), so what is left is what the bundle itself costs. The rows against a bare
 * `node -e 0` are printed beside it.
 */
function coldSection(fns: BuiltFunction[], work: string): void {
  const env = childEnv();
  const emptyHandler = join(work, 'empty-handler', 'index.js');
  mkdirSync(dirname(emptyHandler), { recursive: true });
  writeFileSync(emptyHandler, EMPTY_HANDLER);
  const bare: number[] = [];
  const empty: number[] = [];
  const emptyRequire: number[] = [];
  const per = new Map<string, { requireMs: number[]; processMs: number[] }>(fns.map((f) => [f.name, { requireMs: [], processMs: [] }]));
  const tlsMs: number[] = [];
  let tlsAlready = false;
  const tlsFn = fns.find((f) => f.name === 'patchJob') ?? fns[0];
  const timed = (args: string[]): { ms: number; stdout: string } => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(FN_NODE, args, { env, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`node ${args.slice(0, 1).join(' ')} failed: ${r.stderr}`);
    return { ms, stdout: r.stdout };
  };
  const load = (path: string) => {
    const r = timed(['-e', COLD_SCRIPT, path]);
    return { ms: r.ms, report: JSON.parse(r.stdout) as { ms: number; handler: string; sdk: boolean; yaml: boolean } };
  };
  // One untimed round first (disk cache), then rounds that interleave the empty processes and every function.
  timed(['-e', '0']);
  load(emptyHandler);
  for (const f of fns) load(f.jsPath);
  for (let i = 0; i < P.coldRuns; i++) {
    bare.push(timed(['-e', '0']).ms);
    const e = load(emptyHandler);
    empty.push(e.ms);
    emptyRequire.push(e.report.ms);
    for (const f of fns) {
      const { ms, report: o } = load(f.jsPath);
      if (o.handler !== 'function') throw new Error(`${f.name}: the bundle does not export a handler function`);
      if (o.sdk) throw new Error(`${f.name}: @aws-sdk was loaded at module load`);
      // The kubeconfig path's parser: loaded only when a YAML kubeconfig is configured, never at module load.
      if (o.yaml) throw new Error(`${f.name}: yaml was loaded at module load`);
      per.get(f.name)!.requireMs.push(o.ms);
      per.get(f.name)!.processMs.push(ms);
    }
    if (tlsFn) {
      const t = JSON.parse(timed(['-e', TLS_SCRIPT, tlsFn.jsPath]).stdout) as { ms: number; already: boolean };
      tlsMs.push(t.ms);
      tlsAlready ||= t.already;
    }
  }
  const bareMedian = median(bare);
  const emptyMedian = median(empty);
  const emptyRequireMedian = median(emptyRequire);
  const out: Record<string, unknown> = { runs: P.coldRuns, bareNodeProcessMs: summarize(bare), emptyHandlerProcessMs: summarize(empty), emptyHandlerRequireMs: summarize(emptyRequire) };
  for (const f of fns) {
    const m = per.get(f.name)!;
    const req = median(m.requireMs);
    const proc = median(m.processMs);
    row('cold', `${f.name} require, in-process − the empty handler's (median)`, round(req - emptyRequireMedian, 2), 'ms', 'time', { max: BUDGET.coldMs });
    row('cold', `${f.name} process − empty handler process (median)`, round(proc - emptyMedian, 2), 'ms', 'time', { max: BUDGET.coldMs });
    row('cold', `${f.name} process − bare node process (median)`, round(proc - bareMedian, 2), 'ms');
    out[f.name] = {
      requireMs: summarize(m.requireMs),
      processMs: summarize(m.processMs),
      requireMinusEmptyHandlerMs: round(req - emptyRequireMedian, 2),
      processMinusEmptyHandlerMs: round(proc - emptyMedian, 2),
      processMinusBareNodeMs: round(proc - bareMedian, 2),
    };
  }
  if (tlsFn) {
    const figure = tlsAlready
      ? `first https call: node:https + node:tls were already loaded by ${tlsFn.name}'s bundle (in the rows above)`
      : `first https call adds: node:https + node:tls, required then, after ${tlsFn.name}'s bundle (median; not in the rows above)`;
    row('cold', figure, round(median(tlsMs), 2), 'ms');
    out.firstHttpsCallMs = { ...summarize(tlsMs), after: tlsFn.name, alreadyLoaded: tlsAlready };
  }
  row('cold', 'empty handler: require in-process (median)', round(emptyRequireMedian, 2), 'ms');
  row('cold', 'empty handler process − bare node process (median)', round(emptyMedian - bareMedian, 2), 'ms');
  row('cold', 'bare node process, `node -e 0` (median)', round(bareMedian, 2), 'ms');
  details.cold = out;
}

function warmRows(fn: string, r: any): void {
  const f = summarize(r.fnMs);
  const b = summarize(r.bareMs);
  row('warm', `${fn} handler per call (median / mean)`, `${f.medianMs.toFixed(3)} / ${f.meanMs.toFixed(3)}`, 'ms');
  row('warm', `${fn} bare fetch per call (median / mean)`, `${b.medianMs.toFixed(3)} / ${b.meanMs.toFixed(3)}`, 'ms');
  row('warm', `${fn} ratio handler/bare (medians)`, round(f.medianMs / b.medianMs, 3), '×', 'time', { max: BUDGET.warmRatio });
  row('warm', `${fn} ratio handler/bare (means)`, round(f.meanMs / b.meanMs, 3), '×');
  row('warm', `${fn} overhead per call (median diff)`, round(f.medianMs - b.medianMs, 3), 'ms');
  row('warm', `${fn} upstream requests per call`, round(r.upstreamPerCall, 2), '');
  details[`warm_${fn}`] = {
    handler: f,
    bare: b,
    ratioMedians: round(f.medianMs / b.medianMs, 4),
    ratioMeans: round(f.meanMs / b.meanMs, 4),
    blockRatios: (r.blockRatios as number[]).map((x) => round(x, 4)),
    medianBlockRatio: round(median(r.blockRatios), 4),
    upstreamPerCall: r.upstreamPerCall,
    totalMs: round(r.totalMs, 0),
  };
}

/**
 * The V8 heap limits Node sets by itself for a process that sees `memoryMB` of memory (FunctionGraph,
 * or any runtime that starts `node` without heap flags): Node hands V8 the machine's (or cgroup's)
 * memory (ResourceConstraints::ConfigureDefaults), and V8 (Heap::HeapSizeFromPhysicalMemory,
 * YoungGenerationSizeFromOldGenerationSize; 64-bit, no pointer compression) takes an old
 * generation of memory / 4 × 2 and a semi-space of old / 256 (old ≤ 256 MB, else / 128), kept
 * within 1–16 MB. On this machine V8 would size its heap for all of its memory instead.
 */
function v8HeapFlagsFor(memoryMB: number): string[] {
  const oldMB = Math.round((memoryMB / 4) * 2);
  const semiMB = Math.min(16, Math.max(1, Math.ceil(oldMB / (oldMB <= 256 ? 256 : 128))));
  return [`--max-old-space-size=${oldMB}`, `--max-semi-space-size=${semiMB}`];
}

/**
 * The flags Lambda's Node.js runtime starts `node` with when NODE_OPTIONS names no heap size, as
 * its /var/runtime/bootstrap computes them (nodejs18.x; the later runtimes' scripts start from the
 * same tenth): a young generation of a tenth of the function's memory, half of it per semi-space,
 * the rest for the old generation, and --expose-gc. At 128 MB: a 6 MB semi-space (with which V8
 * takes up to 16 MiB of young generation) and a 116 MB old generation. When NODE_OPTIONS names
 * --max-semi-space-size or --max-old-space-size, the nodejs20.x+ bootstraps add neither.
 */
function lambdaBootstrapFlags(memoryMB: number): string[] {
  const newSpace = Math.floor(memoryMB / 10);
  return ['--expose-gc', `--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMB - newSpace}`];
}

/**
 * How the deployed function's `node` starts on Lambda: when its NODE_OPTIONS names a heap size,
 * those flags, and for one it does not name what Node picks by itself at the function's memory
 * (as on FunctionGraph); when it names none, the runtime's own flags (with --expose-gc, as Lambda
 * passes it: the sweep's heap guard then collects). The deployed MALLOC_* variables too.
 */
function deployedNode(fn: BuiltFunction): { nodeArgs: string[]; env: NodeJS.ProcessEnv; label: string } {
  const opts = fn.nodeOptions ?? '';
  const env = { ...fn.mallocEnv, ...(opts ? { NODE_OPTIONS: opts } : {}) };
  const malloc = Object.entries(fn.mallocEnv).map(([k, v]) => `${k}=${v}`);
  // As the bootstrap tells: V8 takes both spellings, `--max-old-space-size` and `--max_old_space_size`.
  const named = (flag: string) => opts.replace(/_/g, '-').includes(flag.slice(0, flag.indexOf('=')));
  if (!v8HeapFlagsFor(fn.memoryMB).some(named)) {
    const nodeArgs = lambdaBootstrapFlags(fn.memoryMB);
    return { nodeArgs, env, label: `as deployed at ${fn.memoryMB} MB on Lambda (NODE_OPTIONS names no heap size: the runtime's own ${nodeArgs.join(' ')})` };
  }
  const own = v8HeapFlagsFor(fn.memoryMB).filter((f) => !named(f));
  return {
    nodeArgs: own,
    env,
    label: `as deployed at ${fn.memoryMB} MB (Lambda and FunctionGraph): ${[`NODE_OPTIONS=${opts}`, ...malloc, ...own].join(' ')}`,
  };
}

/** Peak RSS of a sweep process (the larger of getrusage and VmHWM), MiB. */
function peakMiB(r: any): number {
  return Math.max(r.maxRssKiB ?? 0, r.vmHwmKiB ?? 0) / 1024;
}

/** How far a sweep process's peak RSS rose over its RSS with the bundle loaded, MiB. */
function growthMiB(r: any): number {
  return round(peakMiB(r) - r.rssBeforeKiB / 1024, 1);
}

/**
 * How far a sweep process's anonymous and file-backed resident memory rose over their values with
 * the bundle loaded (worker samples of /proc/self/status), MiB; undefined off Linux. The two peaks
 * are sampled every 10 ms and need not coincide, so they do not add up to the RSS growth exactly.
 */
function partsGrowthMiB(r: any): { anon: number; file: number } | undefined {
  const p = r.memoryParts;
  if (!p) return undefined;
  return { anon: round((p.anonPeakKiB - p.anonBeforeKiB) / 1024, 1), file: round((p.filePeakKiB - p.fileBeforeKiB) / 1024, 1) };
}

/** A FAIL row when a sweep did not see every job, did not complete, or (when given) wrote other than `patches` annotations. */
function checkSweep(section: string, label: string, run: any, jobs: number, patches?: number): void {
  const what = patches === undefined ? 'jobs / complete' : 'jobs / complete / patches';
  if (run.jobs === jobs && run.complete === true && (patches === undefined || run.cciPatch === patches)) return;
  const value = patches === undefined ? `${run.jobs} / ${run.complete}` : `${run.jobs} / ${run.complete} / ${run.cciPatch}`;
  const budget = patches === undefined ? `${jobs} / true` : `${jobs} / true / ${patches}`;
  rows.push({ section, figure: `${label}: ${what}`, value, unit: '', budget, status: 'FAIL', gate: 'none' });
}

type SweepKind = 'first' | 'steady';

/**
 * The scaling rows: for every fleet size, fresh namespaces, then a first sweep (writes every job's
 * annotation) and a steady sweep (writes nothing), each in a fresh process whose V8 heap is sized
 * as the deployed function's (the budgets), and once more as Lambda's runtime sizes it when
 * NODE_OPTIONS is not set (what that setting buys; no budget). Growth = peak RSS − RSS with the
 * bundle loaded.
 */
async function scalingSection(emu: Emulator, workerJs: string, work: string, fn: BuiltFunction, common: Record<string, string>, env: NodeJS.ProcessEnv): Promise<void> {
  const deployed = deployedNode(fn);
  const runtimes = [
    { id: 'deployed', label: deployed.label, nodeArgs: deployed.nodeArgs, env: deployed.env, budgets: true },
    { id: 'lambda-default', label: `Lambda's own flags at ${fn.memoryMB} MB, were NODE_OPTIONS not set: ${lambdaBootstrapFlags(fn.memoryMB).join(' ')}`, nodeArgs: lambdaBootstrapFlags(fn.memoryMB), env: { ...fn.mallocEnv }, budgets: false },
  ];
  const out: Array<{ runtime: string; jobs: number; kind: SweepKind; growthMiB: number; anonMiB: number | undefined; liveAfterMiB: number | undefined; jobsPerS: number; result: unknown }> = [];
  for (const rt of runtimes) {
    row('scaling', rt.label, null, '');
    const memoryRow = (figure: string, value: number, max: number) => (rt.budgets ? row('scaling', figure, value, 'MiB', 'memory', { max }) : row('scaling', figure, value, 'MiB'));
    for (const jobs of P.scalingJobs) {
      const namespaces = seedFleet(emu, `scale-${rt.id}-${jobs}`, jobs);
      for (const kind of ['first', 'steady'] as const) {
        progress(`scaling (${rt.id}): ${jobs} jobs, ${kind} sweep...`);
        const r = await runWorker(
          workerJs,
          work,
          { mode: 'sweep', common: { ...common, resultPath: join(work, `result-scaling-${rt.id}-${jobs}-${kind}.json`) } as WorkerConfig['common'], bundle: fn.jsPath, timeoutS: fn.timeoutS, runs: 1 },
          { ...env, ...rt.env, SWEEP_NAMESPACES: namespaces.join(',') },
          240_000,
          rt.nodeArgs,
        );
        const run = r.result.runs[0];
        const label = `${rt.id}: ${jobs.toLocaleString('en-US')} jobs, ${kind} sweep`;
        checkSweep('scaling', label, run, jobs, kind === 'first' ? jobs : 0);
        const growth = growthMiB(r.result);
        const liveAfterMiB = typeof r.result.liveAfterKiB === 'number' ? round(r.result.liveAfterKiB / 1024, 1) : undefined;
        const jobsPerS = Math.round(run.jobs / (run.ms / 1000));
        memoryRow(`${label}: peak RSS growth over loaded`, growth, BUDGET.sweepGrowthMiB);
        const parts = partsGrowthMiB(r.result);
        if (parts) row('scaling', `${label}: anonymous / file-backed (code pages) growth, sampled`, `${parts.anon} / ${parts.file}`, 'MiB');
        row('scaling', `${label}: jobs/s`, jobsPerS, '/s');
        if (r.heapCollections !== undefined) row('scaling', `${label}: full collections by the sweep's heap guard`, r.heapCollections, '');
        out.push({ runtime: rt.id, jobs, kind, growthMiB: growth, anonMiB: parts?.anon, liveAfterMiB, jobsPerS, result: r.result });
      }
    }
    if (rt.budgets) await warmInstanceRows(emu, workerJs, work, fn, common, { ...env, ...rt.env }, rt.nodeArgs, rt.id);
    const limitKiB = (out.find((o) => o.runtime === rt.id)?.result as { heapLimitKiB?: number } | undefined)?.heapLimitKiB;
    if (limitKiB !== undefined) row('scaling', `${rt.id}: V8 heap limit in the sweep process (the flags reached V8)`, round(limitKiB / 1024, 1), 'MiB');
    const sizes = P.scalingJobs;
    const [lo, hi] = [sizes[0]!, sizes[sizes.length - 1]!];
    for (const kind of ['first', 'steady'] as const) {
      const a = out.find((o) => o.runtime === rt.id && o.jobs === lo && o.kind === kind);
      const b = out.find((o) => o.runtime === rt.id && o.jobs === hi && o.kind === kind);
      if (!a || !b) continue;
      const span = `${hi.toLocaleString('en-US')} − at ${lo.toLocaleString('en-US')} jobs`;
      memoryRow(`${rt.id}: ${kind} sweep: growth at ${span} (flat)`, round(b.growthMiB - a.growthMiB, 1), BUDGET.sweepFlatMiB);
      if (a.anonMiB !== undefined && b.anonMiB !== undefined) row('scaling', `${rt.id}: ${kind} sweep: anonymous memory growth at ${span}`, round(b.anonMiB - a.anonMiB, 1), 'MiB');
      // What a sweep keeps: the heap left after a full collection, the same at every fleet size
      // when nothing per job outlives the sweep (the peak above is mostly garbage V8 has not yet collected).
      if (a.liveAfterMiB !== undefined && b.liveAfterMiB !== undefined) {
        row('scaling', `${rt.id}: ${kind} sweep: live heap after the sweep (full GC), at ${span}`, round(b.liveAfterMiB - a.liveAfterMiB, 1), 'MiB');
      }
    }
  }
  details.scaling = { memoryMB: fn.memoryMB, runtimes, namespaces: SWEEP_NAMESPACE_COUNT, runs: out };
}

/** Sweeps one process runs in the warm-instance row: a first one, then steady ones, as a schedule runs them on a warm instance. */
const WARM_SWEEPS = 12;

/**
 * A warm instance: the largest fleet swept WARM_SWEEPS times by one process (the first sweep
 * writes every annotation, the others nothing), as a schedule runs them. What one sweep leaves
 * behind meets the next: the peak of all of them over the loaded process, beside the one-sweep
 * rows above (no budget: those are the budget's).
 */
async function warmInstanceRows(emu: Emulator, workerJs: string, work: string, fn: BuiltFunction, common: Record<string, string>, env: NodeJS.ProcessEnv, nodeArgs: string[], id: string): Promise<void> {
  const jobs = P.scalingJobs[P.scalingJobs.length - 1]!;
  const namespaces = seedFleet(emu, `scale-warm-${jobs}`, jobs);
  progress(`scaling (${id}): ${jobs} jobs, ${WARM_SWEEPS} sweeps in one process...`);
  const r = await runWorker(
    workerJs,
    work,
    { mode: 'sweep', common: { ...common, resultPath: join(work, `result-scaling-warm-${jobs}.json`) } as WorkerConfig['common'], bundle: fn.jsPath, timeoutS: fn.timeoutS, runs: WARM_SWEEPS },
    { ...env, SWEEP_NAMESPACES: namespaces.join(',') },
    240_000,
    nodeArgs,
  );
  const label = `${id}: ${jobs.toLocaleString('en-US')} jobs, ${WARM_SWEEPS} sweeps in one process (a warm instance: the first sweep, then steady ones)`;
  (r.result.runs as any[]).forEach((run, i) => checkSweep('scaling', `${label}, sweep ${i + 1}`, run, jobs, i === 0 ? jobs : 0));
  row('scaling', `${label}: peak RSS growth over loaded`, growthMiB(r.result), 'MiB');
  if (typeof r.result.liveAfterKiB === 'number') row('scaling', `${label}: live heap after the last (full GC)`, round(r.result.liveAfterKiB / 1024, 1), 'MiB');
  details.warmInstance = { jobs, sweeps: WARM_SWEEPS, result: r.result };
}

/** How long a CCI write takes in the latency rows (what the README's estimates assume). */
const WRITE_LATENCY_MS = 30;

/**
 * First sweeps against a CCI that answers every write in 30 ms, with the default writes in flight
 * and twice as many (`SWEEP_WRITES_IN_FLIGHT`), V8 as deployed: what the setting trades, time
 * against memory, where the writes' latency is real rather than the emulator's near zero.
 */
async function writeLatencySection(emu: Emulator, workerJs: string, work: string, fn: BuiltFunction, common: Record<string, string>, env: NodeJS.ProcessEnv): Promise<void> {
  const jobs = P.latencyJobs;
  const deployed = deployedNode(fn);
  emu.addFault({ method: 'PATCH', path: /\/namespaces\/lat-/, times: Infinity, action: { type: 'delay', ms: WRITE_LATENCY_MS } });
  try {
    for (const inFlight of [DEFAULT_WRITES_IN_FLIGHT, DEFAULT_WRITES_IN_FLIGHT * 2]) {
      const namespaces = seedFleet(emu, `lat-${inFlight}`, jobs, ['Running']);
      progress(`write latency: ${jobs} jobs, ${inFlight} writes in flight...`);
      const r = await runWorker(
        workerJs,
        work,
        { mode: 'sweep', common: { ...common, resultPath: join(work, `result-latency-${inFlight}.json`) } as WorkerConfig['common'], bundle: fn.jsPath, timeoutS: fn.timeoutS, runs: 1 },
        { ...env, ...deployed.env, SWEEP_NAMESPACES: namespaces.join(','), SWEEP_WRITES_IN_FLIGHT: String(inFlight) },
        240_000,
        deployed.nodeArgs,
      );
      const run = r.result.runs[0];
      const label = `first sweep of ${jobs.toLocaleString('en-US')} jobs, writes answered in ${WRITE_LATENCY_MS} ms, ${inFlight} in flight`;
      checkSweep('latency', label, run, jobs, jobs);
      row('latency', `${label}: writes/s`, Math.round(run.cciPatch / (run.ms / 1000)), '/s');
      row('latency', `${label}: peak RSS growth over loaded`, growthMiB(r.result), 'MiB');
    }
  } finally {
    emu.clearFaults();
  }
}

/**
 * This build against a baseline's (`--baseline`), each as deployed (its own NODE_OPTIONS and
 * MALLOC_* variables, or Lambda's flags where it names no heap size): rounds of a first and a
 * steady sweep of fresh namespaces per build, the order of the two builds alternating from round
 * to round, so that the machine's drift falls on both. On a shared machine one run of either
 * build moves by a quarter within the hour: the medians are compared, the ranges printed beside.
 */
async function compareSection(emu: Emulator, workerJs: string, work: string, fn: BuiltFunction, base: BuiltFunction, common: Record<string, string>, env: NodeJS.ProcessEnv): Promise<void> {
  type Samples = { jobsPerS: number[]; cpuMs: number[]; growthMiB: number[] };
  const empty = (): Samples => ({ jobsPerS: [], cpuMs: [], growthMiB: [] });
  const builds = [
    { id: 'this build', tag: 't', fn, samples: { first: empty(), steady: empty() } },
    { id: 'baseline', tag: 'b', fn: base, samples: { first: empty(), steady: empty() } },
  ];
  for (const b of builds) row('compare', `${b.id}: ${deployedNode(b.fn).label}`, null, '');
  for (let round = 0; round < COMPARE.rounds; round++) {
    for (const b of round % 2 === 0 ? builds : [...builds].reverse()) {
      const deployed = deployedNode(b.fn);
      const namespaces = seedFleet(emu, `cmp-${b.tag}-${round}`, COMPARE.jobs);
      for (const kind of ['first', 'steady'] as const) {
        progress(`compare: round ${round + 1} of ${COMPARE.rounds}, ${b.id}, ${kind} sweep...`);
        const r = await runWorker(
          workerJs,
          work,
          { mode: 'sweep', common: { ...common, resultPath: join(work, `result-compare-${round}-${b.tag}-${kind}.json`) } as WorkerConfig['common'], bundle: b.fn.jsPath, timeoutS: b.fn.timeoutS, runs: 1 },
          { ...env, ...deployed.env, SWEEP_NAMESPACES: namespaces.join(',') },
          240_000,
          deployed.nodeArgs,
        );
        const run = r.result.runs[0];
        checkSweep('compare', `${b.id}, round ${round + 1}, ${kind} sweep`, run, COMPARE.jobs, kind === 'first' ? COMPARE.jobs : 0);
        const s = b.samples[kind];
        s.jobsPerS.push(run.jobs / (run.ms / 1000));
        s.cpuMs.push(run.cpuMs);
        s.growthMiB.push(growthMiB(r.result));
      }
    }
  }
  const range = (xs: number[]) => `${Math.round(Math.min(...xs)).toLocaleString('en-US')}–${Math.round(Math.max(...xs)).toLocaleString('en-US')}`;
  for (const kind of ['first', 'steady'] as const) {
    const label = `${COMPARE.jobs.toLocaleString('en-US')} jobs, ${kind} sweep, medians of ${COMPARE.rounds} alternating rounds`;
    for (const b of builds) {
      const s = b.samples[kind];
      row('compare', `${label}: ${b.id}: jobs/s (range ${range(s.jobsPerS)})`, Math.round(median(s.jobsPerS)), '/s');
      row('compare', `${label}: ${b.id}: CPU time (range ${range(s.cpuMs)})`, Math.round(median(s.cpuMs)), 'ms');
      row('compare', `${label}: ${b.id}: peak RSS growth over loaded`, round(median(s.growthMiB), 1), 'MiB');
    }
    const ratio = median(builds[0]!.samples[kind].jobsPerS) / median(builds[1]!.samples[kind].jobsPerS);
    row('compare', `${label}: jobs/s, this build ÷ baseline (not lower)`, round(ratio, 3), '×', 'none', { min: BUDGET.sweepRateRatio });
  }
  details.compare = { rounds: COMPARE.rounds, jobs: COMPARE.jobs, baseline: BASELINE, samples: Object.fromEntries(builds.map((b) => [b.id, b.samples])) };
}

// ------------------------------------------------------------------ main

/** The version of FN_NODE, or a clear error before anything is measured. */
function functionsNodeVersion(): string {
  if (FN_NODE === process.execPath) return process.version;
  const r = spawnSync(FN_NODE, ['-p', 'process.version'], { encoding: 'utf8', timeout: 10_000 });
  const v = (r.stdout ?? '').trim();
  if (r.status !== 0 || !/^v\d+\.\d+\.\d+/.test(v)) throw new Error(`--node ${FN_NODE} is not a node binary that runs here (${r.error?.message ?? r.stderr?.trim() ?? `exit ${r.status}`})`);
  return v;
}

/** As printed: one version, or the functions' beside the bench's. */
const nodeLabel = (fnVersion: string) => (fnVersion === process.version ? `node ${process.version}` : `functions on node ${fnVersion} (bench and emulator on ${process.version})`);

async function main(): Promise<number> {
  const started = performance.now();
  // Checked before anything is built: a bad --node fails the run here, through main's error path.
  const fnNodeVersion = functionsNodeVersion();
  if (unknownSections.length > 0) throw new Error(`--only: unknown section(s) ${unknownSections.join(', ')}; the sections are ${SECTIONS.join(', ')}`);
  if (ONLY?.includes('compare') && !BASELINE) throw new Error('--only compare needs --baseline <checkout of the commit to compare with>');
  const baselineRoot = BASELINE === undefined ? undefined : resolve(BASELINE);
  if (baselineRoot && !existsSync(join(baselineRoot, 'node_modules', 'serverless'))) {
    throw new Error(`--baseline ${baselineRoot}: not a checkout of this project with its dependencies installed (run npm ci there first)`);
  }
  const runLabel = nodeLabel(fnNodeVersion);
  const work = mkdtempSync(join(os.tmpdir(), 'vjf-bench-'));
  let emu: Emulator | undefined;
  try {
    progress(`mode: ${QUICK ? 'quick' : 'full'}; ${runLabel}; work dir ${work}`);

    // 1. Build as deployed.
    progress('packaging (serverless package)...');
    let built: BuildResult | undefined;
    try {
      built = packageFunctions(ROOT, work);
      bundleSection(built);
      progress(`packaged ${built.functions.map((f) => f.name).join(', ')} in ${Math.round(built.packageMs)} ms`);
    } catch (e) {
      errorRow('bundle', 'serverless package', e, 'bytes');
    }
    const fns = built?.functions ?? [];
    const byName = new Map(fns.map((f) => [f.name, f]));

    // The worker, bundled from TypeScript so it runs under plain `node`.
    const workerJs = join(work, 'worker.cjs');
    await build({
      entryPoints: [join(ROOT, 'bench', 'worker.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: workerJs,
      logLevel: 'error',
    });

    // 2. Cold start.
    if (fns.length > 0 && wants('cold')) {
      progress(`cold start: ${P.coldRuns} rounds × (${fns.length} functions + empty handler + bare node)...`);
      try {
        coldSection(fns, work);
      } catch (e) {
        errorRow('cold', 'module load', e, 'time');
      }
    }

    emu = await startEmulator({ port: 0 });
    const common = {
      root: ROOT,
      emulatorUrl: emu.url,
      resultPath: '',
      secret: SECRET,
      token: STATIC_TOKEN,
      namespace: SEED_NAMESPACE,
      getJobName: GET_JOB,
      patchJobName: PATCH_JOB,
    };
    const result = (name: string) => ({ ...common, resultPath: join(work, `result-${name}.json`) });
    const baseEnv = { CCI_ENDPOINT: emu.url, ALLOWED_NAMESPACES: '*', WEBHOOK_SECRET: SECRET };

    // 3. Warm overhead.
    const getJob = byName.get('getJob');
    const patchJob = byName.get('patchJob');
    if ((getJob || patchJob) && wants('warm')) {
      progress(`warm: ${P.blocks} blocks × ${P.perBlock} calls per side, per function...`);
      try {
        const r = await runWorker(
          workerJs,
          work,
          { mode: 'warm', common: result('warm'), blocks: P.blocks, perBlock: P.perBlock, warmup: P.warmup, ...(getJob ? { getJob: getJob.jsPath } : {}), ...(patchJob ? { patchJob: patchJob.jsPath } : {}) },
          childEnv({ ...baseEnv, CCI_TOKEN: STATIC_TOKEN }),
        );
        if (r.result.getJob) warmRows('getJob', r.result.getJob);
        if (r.result.patchJob) warmRows('patchJob', r.result.patchJob);
        details.warmLogLines = r.stdoutLines;
      } catch (e) {
        errorRow('warm', 'handler vs bare fetch', e, 'time');
      }
    }

    // 4. Token economy (IAM password credentials, cold module in a fresh process).
    if (!wants('token')) {
      // not measured in this run (--only)
    } else if (getJob) {
      progress(`token economy: 100 concurrent + ${P.sequential} sequential getJob on a cold module...`);
      try {
        const r = await runWorker(
          workerJs,
          work,
          { mode: 'token', common: result('token'), bundle: getJob.jsPath, concurrent: 100, sequential: P.sequential },
          childEnv({ ...baseEnv, IAM_ENDPOINT: emu.url, ...IAM }),
        );
        row('token', 'IAM calls, 100 concurrent on a cold module', r.result.iamCallsConcurrent, '', 'iam', { eq: BUDGET.iamCalls });
        row('token', `IAM calls, after ${P.sequential} more sequential`, r.result.iamCallsTotal, '', 'iam', { eq: BUDGET.iamCalls });
        row('token', '100 concurrent cold calls, wall', round(r.result.concurrentMs, 1), 'ms');
        row('token', 'sequential calls with IAM token, mean', round(r.result.sequentialMs / r.result.sequential, 3), 'ms');
        details.token = r.result;
      } catch (e) {
        errorRow('token', 'IAM calls', e, 'iam');
      }
    } else {
      row('token', 'skipped: no getJob', null, '');
    }

    // 5. Sweep.
    const sweepFn = byName.get('sweepJobs');
    if (!wants('sweep')) {
      // not measured in this run (--only)
    } else if (existsSync(join(ROOT, 'functions', 'sweepJobs.ts')) && sweepFn) {
      progress(`sweep: ${P.sweepJobs} jobs over ${SWEEP_NAMESPACE_COUNT} namespaces...`);
      try {
        const namespaces = seedFleet(emu, 'bench-sweep', P.sweepJobs);
        // Two fresh processes: the first sweep (writes the phase annotation on every job), then a
        // steady-state sweep (nothing changed): each process's peak RSS is its own.
        const procs: any[] = [];
        for (const label of ['first sweep (writes phase annotations)', 'steady-state sweep (no changes)']) {
          const r = await runWorker(
            workerJs,
            work,
            { mode: 'sweep', common: result(`sweep-${procs.length}`), bundle: sweepFn.jsPath, timeoutS: sweepFn.timeoutS, runs: 1 },
            childEnv({ ...baseEnv, CCI_TOKEN: STATIC_TOKEN, SWEEP_NAMESPACES: namespaces.join(',') }),
          );
          const run = r.result.runs[0];
          checkSweep('sweep', label, run, P.sweepJobs);
          row('sweep', `${label}: wall`, round(run.ms, 0), 'ms');
          row('sweep', `${label}: jobs/s`, Math.round((run.jobs ?? 0) / (run.ms / 1000)), '/s');
          row('sweep', `${label}: CCI list / patch requests`, `${run.cciList} / ${run.cciPatch}`, '');
          row('sweep', `${label}: peak RSS`, round(peakMiB(r.result), 1), 'MiB', 'memory', { max: BUDGET.sweepRssMiB });
          row('sweep', `${label}: peak RSS growth over loaded (V8 sized for this machine)`, growthMiB(r.result), 'MiB');
          row('sweep', `${label}: CPU time of the sweep process`, round(run.cpuMs, 0), 'ms');
          procs.push({ label, ...r.result });
        }
        row('sweep', 'RSS after module load (baseline)', round(procs[0].rssBeforeKiB / 1024, 1), 'MiB');
        details.sweep = { jobs: P.sweepJobs, namespaces: namespaces.length, processes: procs };
      } catch (e) {
        errorRow('sweep', 'sweepJobs', e, 'memory');
      }
    } else {
      const why = existsSync(join(ROOT, 'functions', 'sweepJobs.ts')) ? 'sweepJobs is not in serverless.yml' : 'no sweepJobs';
      row('sweep', `skipped: ${why}`, null, '');
      progress(`sweep: skipped: ${why}`);
    }

    // 5b. Sweep memory as the fleet grows.
    if (sweepFn && wants('scaling')) {
      try {
        await scalingSection(emu, workerJs, work, sweepFn, common, childEnv({ ...baseEnv, CCI_TOKEN: STATIC_TOKEN }));
      } catch (e) {
        errorRow('scaling', 'sweepJobs', e, 'memory');
      }
    }

    // 5c. First sweeps against writes with real latency.
    if (sweepFn && P.latencyJobs > 0 && wants('latency')) {
      try {
        await writeLatencySection(emu, workerJs, work, sweepFn, common, childEnv({ ...baseEnv, CCI_TOKEN: STATIC_TOKEN }));
      } catch (e) {
        errorRow('latency', 'sweepJobs', e, 'none');
      }
    }

    // 5d. This build against a baseline's.
    if (sweepFn && baselineRoot && wants('compare')) {
      try {
        progress(`compare: packaging the baseline ${baselineRoot}...`);
        mkdirSync(join(work, 'baseline'));
        const base = packageFunctions(baselineRoot, join(work, 'baseline')).functions.find((f) => f.name === 'sweepJobs');
        if (!base) throw new Error(`the baseline ${baselineRoot} packages no sweepJobs`);
        await compareSection(emu, workerJs, work, sweepFn, base, common, childEnv({ ...baseEnv, CCI_TOKEN: STATIC_TOKEN }));
      } catch (e) {
        errorRow('compare', 'sweepJobs against the baseline', e, 'none');
      }
    }

    // 6. Queue.
    const queueFn = byName.get('patchFromQueue');
    if (!wants('queue')) {
      // not measured in this run (--only)
    } else if (existsSync(join(ROOT, 'functions', 'patchFromQueue.ts')) && queueFn) {
      progress(`queue: ${P.batches} batches × 10 label patches...`);
      try {
        const ns = 'bench-queue';
        emu.createJobs(ns, 5, { prefix: 'q' });
        const jobs = Array.from({ length: 5 }, (_, i) => `q-${String(i).padStart(5, '0')}`);
        const r = await runWorker(
          workerJs,
          work,
          { mode: 'queue', common: result('queue'), bundle: queueFn.jsPath, timeoutS: queueFn.timeoutS, batches: P.batches, perBatch: 10, namespace: ns, jobs },
          childEnv({ ...baseEnv, CCI_TOKEN: STATIC_TOKEN }),
        );
        const perBatch = summarize(r.result.perBatchMs);
        row('queue', `messages/s (${r.result.messages} messages over ${jobs.length} jobs)`, Math.round(r.result.messages / (r.result.totalMs / 1000)), '/s');
        row('queue', 'batch of 10 (median / mean)', `${perBatch.medianMs.toFixed(2)} / ${perBatch.meanMs.toFixed(2)}`, 'ms');
        row('queue', 'CCI requests per message', round(r.result.cciCalls / r.result.messages, 2), '');
        details.queue = { ...r.result, perBatchMs: perBatch };
      } catch (e) {
        errorRow('queue', 'patchFromQueue', e, 'none');
      }
    } else {
      const why = existsSync(join(ROOT, 'functions', 'patchFromQueue.ts')) ? 'patchFromQueue is not in serverless.yml' : 'no patchFromQueue';
      row('queue', `skipped: ${why}`, null, '');
      progress(`queue: skipped: ${why}`);
    }
  } finally {
    await emu?.close();
    if (!KEEP) rmSync(work, { recursive: true, force: true });
    else progress(`kept ${work}`);
  }

  const totalS = round((performance.now() - started) / 1000, 1);
  printTable(totalS, runLabel);
  const cpus = os.cpus();
  const out = {
    date: new Date().toISOString(),
    mode: QUICK ? 'quick' : 'full',
    only: ONLY ?? null,
    node: process.version,
    functionsNode: fnNodeVersion,
    machine: { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, os: `${os.type()} ${os.release()} ${os.arch()}`, totalMemMiB: Math.round(os.totalmem() / 2 ** 20) },
    parameters: P,
    budgets: BUDGET,
    totalSeconds: totalS,
    figures: rows,
    details,
  };
  mkdirSync(dirname(JSON_PATH), { recursive: true });
  writeFileSync(JSON_PATH, JSON.stringify(out, null, 2) + '\n');
  process.stdout.write(`\nresults: ${JSON_PATH}\n`);

  const failing = rows.filter((r) => r.status === 'FAIL' || r.status === 'ERROR');
  if (!QUICK) return 0;
  const gated = failing.filter((r) => r.gate === 'bytes' || r.gate === 'iam');
  if (gated.length > 0) {
    process.stdout.write(`quick mode: ${gated.length} byte/IAM budget row(s) failed\n`);
    return 1;
  }
  return 0;
}

function printTable(totalS: number, nodeLabelText: string): void {
  const header = ['section', 'figure', 'value', 'budget', 'result'];
  const body = rows.map((r) => [
    r.section,
    r.figure,
    r.value === null ? '' : `${typeof r.value === 'number' ? r.value.toLocaleString('en-US', { maximumFractionDigits: 3 }) : r.value}${r.unit && r.value !== null ? ` ${r.unit}` : ''}`,
    r.budget,
    r.status === 'FAIL' ? '** FAIL **' : r.status === 'ERROR' ? '** ERROR **' : r.status,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ');
  const cpus = os.cpus();
  process.stdout.write(
    `\nvolcano-job-functions bench (${QUICK ? 'quick' : 'full'}) — ${new Date().toISOString()} — ${nodeLabelText} — ${cpus[0]?.model ?? '?'} × ${cpus.length} — ${totalS} s\n\n`,
  );
  process.stdout.write(line(header) + '\n' + widths.map((w) => '-'.repeat(w)).join('-|-') + '\n');
  for (const b of body) process.stdout.write(line(b) + '\n');
  const fails = rows.filter((r) => r.status === 'FAIL' || r.status === 'ERROR');
  process.stdout.write(fails.length ? `\n${fails.length} row(s) outside budget or in error: ${fails.map((r) => `${r.section}/${r.figure}`).join('; ')}\n` : '\nall budgets met\n');
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`[bench] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(QUICK ? 1 : 0);
  },
);

