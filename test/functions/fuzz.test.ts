/**
 * Seeded fuzz test (deterministic PRNG): thousands of generated structured bodies, raw merge
 * patches, raw JSON patches and queue messages, each made of valid parts plus one hostile part
 * (JavaScript built-in names, deep nesting, wrong types, out-of-range numbers, invalid Unicode,
 * huge maps, unknown or non-updatable fields), sent through the real handlers to the emulator.
 * Checked: no 5xx; every error is problem+json; a statically invalid input makes no PATCH (the
 * emulator's counters); every job stays readable, with tasks and counts Volcano accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_JOB_OPENMPI_HELLO_2, startEmulator, type Emulator, type Job } from '../../emulator';
import { lambdaContext } from '../support/contexts';
import { CLEAN_ENV, setEnv } from '../support/env';
import { callHttp, captureLogs, coldHandler } from '../support/harness';
import { SEED_NS, type Platform } from '../support/http-events';
import { mulberry32 } from '../support/random';

const SEED = 0x5eed_2026;
const CASES = 2_400;
const JOBS = ['fuzz-a', 'fuzz-b', 'fuzz-c'];

function prng(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

const BUILTINS = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', 'isPrototypeOf', '__defineGetter__'];
const TASKS = ['mpimaster', 'constructor'];
const GOOD_KEYS = ['app', 'tier', 'app.kubernetes.io/name', 'example.com/owner', 'constructor', 'toString', 'hasOwnProperty'];
const GOOD_VALUES = ['v1', '', 'a.b_c-d', 'Z9'];
const BAD_COUNTS: unknown[] = [-1, 1.5, '2', null, 2 ** 31, 1e308, true, {}, [], -0.5];
const BAD_KEYS = ['bad key', 'x/y/z', '-lead', 'a'.repeat(64), '/name', '__proto__', 'é'];
const BAD_VALUES: unknown[] = ['not ok!', 'a'.repeat(64), 5, true, ['x'], { a: 1 }];
const LONE = ['\ud800', 'a\udc00', '\udbff\udbff'];

type Kind = 'body' | 'merge' | 'json' | 'queue';
interface Case {
  kind: Kind;
  job: string;
  /** Text as sent (may hold raw lone surrogates inside JSON escapes, or none). */
  text: string;
  /** True when the input can be refused without reading the job: it must never cause a PATCH. */
  statically: boolean;
  platform: Platform;
  hostile: number;
}

function generate(count: number): Case[] {
  const r = prng(SEED);
  const deep = () => {
    let v: unknown = r.pick(['x', 1, null]);
    for (let i = 0, n = 101 + r.int(3_000); i < n; i++) v = r.next() < 0.5 ? [v] : { k: v };
    return v;
  };
  const hugeMap = () => Object.fromEntries(Array.from({ length: 200 + r.int(800) }, (_, i) => [`k${i}`, `v${i}`]));
  const goodLabels = () => Object.fromEntries(Array.from({ length: 1 + r.int(3) }, () => [r.pick(GOOD_KEYS), r.next() < 0.2 ? null : r.pick(GOOD_VALUES)]));
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const kind = r.pick<Kind>(['body', 'merge', 'json', 'queue']);
    const job = r.pick(JOBS);
    const hostile = r.int(9);
    let statically = true;
    let doc: unknown;
    let lone: string | undefined; // a lone surrogate to splice into the JSON text
    if (kind === 'body' || kind === 'queue') {
      const body: Record<string, unknown> = { labels: goodLabels(), ...(r.next() < 0.5 ? { dryRun: r.next() < 0.7 } : {}) };
      if (r.next() < 0.4) body.replicas = { [r.pick(TASKS)]: r.int(4) };
      switch (hostile) {
        case 0: body.replicas = { [r.pick(TASKS)]: r.pick(BAD_COUNTS) }; break;
        case 1: body.minAvailable = r.pick(BAD_COUNTS); break;
        case 2: body.labels = { [r.pick(BAD_KEYS)]: 'v' }; break;
        case 3: body.annotations = { note: r.pick(BAD_VALUES.filter((v) => typeof v !== 'string')) }; break;
        case 4: body.labels = { deep: deep() }; break;
        case 5: lone = r.pick(LONE); break;
        // defineProperty: an own `__proto__` key, as JSON.parse makes it (assignment would set the prototype).
        case 6: Object.defineProperty(body, r.pick([...BUILTINS, 'spec', 'metadata']), { value: 1, enumerable: true }); break;
        case 7: statically = false; body.replicas = { [r.pick(BUILTINS)]: r.int(3) }; break;
        default: statically = false; body.labels = r.next() < 0.5 ? hugeMap() : { [r.pick(BUILTINS.filter((b) => b !== '__proto__'))]: r.pick(GOOD_VALUES) };
      }
      if (kind === 'queue') Object.assign(body, { namespace: SEED_NS, name: job });
      doc = body;
    } else if (kind === 'merge') {
      const patch: Record<string, any> = { metadata: { labels: goodLabels() } };
      switch (hostile) {
        case 0: patch.spec = { minAvailable: r.pick(BAD_COUNTS.filter((c) => c !== null)) }; break;
        case 1: patch.metadata.labels = { [r.pick(BAD_KEYS)]: 'v' }; break;
        case 2: patch.metadata.annotations = { note: r.pick(BAD_VALUES.filter((v) => typeof v !== 'string')) }; break;
        case 3: patch.spec = { tasks: [{ name: 'mpimaster', template: { x: deep() } }] }; break;
        case 4: lone = r.pick(LONE); break;
        case 5: patch[r.pick(['status', 'kind', 'foo', ...BUILTINS.filter((b) => b !== '__proto__')])] = r.pick([null, 1, 'x']); break;
        case 6: patch.metadata[r.pick(['finalizers', 'name', 'uid', 'ownerReferences'])] = null; break;
        case 7: statically = false; patch.spec = { tasks: [{ name: r.pick([...TASKS, ...BUILTINS]), replicas: r.pick([...BAD_COUNTS, 1, 2]) }] }; break;
        default: statically = false; patch.metadata.annotations = r.next() < 0.5 ? hugeMap() : { [r.pick(BUILTINS.filter((b) => b !== '__proto__'))]: 'x' };
      }
      doc = patch;
    } else {
      const ops: unknown[] = [{ op: 'add', path: `/metadata/labels/${r.pick(GOOD_KEYS).replace('/', '~1')}`, value: r.pick(GOOD_VALUES) }];
      const t = r.int(2);
      switch (hostile) {
        case 0: ops.push({ op: 'replace', path: `/spec/tasks/${t}/${r.pick(['replicas', 'minAvailable'])}`, value: r.pick(BAD_COUNTS) }); break;
        case 1: ops.push({ op: 'add', path: `/metadata/labels/${r.pick(BAD_KEYS).replace('/', '~1')}`, value: 'v' }); break;
        case 2: ops.push({ op: 'add', path: '/metadata/labels/x', value: r.pick(BAD_VALUES) }); break;
        case 3: ops.push({ op: 'replace', path: `/spec/tasks/${t}/template`, value: r.pick(['pod', 1, null, [], deep()]) }); break;
        case 4: lone = r.pick(LONE); break;
        case 5: ops.push({ op: r.pick(['add', 'replace', 'remove']), path: r.pick(['/spec/queue', '/status/state/phase', '/metadata/name', '/spec/tasks/0/name', '/spec/tasks/-', '', '/kind', '/metadata/finalizers', '/spec/tasks/0']), value: 'x' }); break;
        case 6: ops.push(r.pick<unknown>([{ op: 'frobnicate', path: '/spec' }, { op: 'add', path: 5 }, 'op', null, { op: 'move', path: '/metadata/labels/a' }, { op: 'add', path: '/metadata/labels/b' }])); break;
        case 7: statically = false; ops.push({ op: r.pick(['copy', 'move']), from: r.pick(['/spec/queue', '/metadata/labels/app', `/spec/tasks/${t}/replicas`, '/spec/minAvailable']), path: r.pick(['/metadata/labels/c', `/spec/tasks/${1 - t}/minAvailable`, '/spec/minAvailable']) }); break;
        default: statically = false; ops.push({ op: 'replace', path: `/spec/tasks/${t}/replicas`, value: r.int(4) }, { op: 'test', path: `/metadata/labels/${r.pick(BUILTINS)}`, value: null });
      }
      doc = ops;
    }
    let text = JSON.stringify(doc);
    if (lone !== undefined) text = text.replace(/"(v1|a\.b_c-d|Z9|mpimaster)"/, `"$1${[...lone].map((c) => `\\u${c.charCodeAt(0).toString(16)}`).join('')}"`);
    if (lone !== undefined && !/\\ud[89ab]|\\udc/.test(text)) text = text.replace(/^\{/, `{"zz\\ud800":1,`).replace(/^\[/, '[{"op":"add","path":"/metadata/labels/a","value":"\\udc00"},');
    cases.push({ kind, job, text, statically, hostile, platform: r.next() < 0.5 ? 'aws' : 'functiongraph' });
  }
  return cases;
}

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  for (const name of JOBS) {
    const job = structuredClone(SEED_JOB_OPENMPI_HELLO_2) as Job & { spec: { tasks: Array<Record<string, unknown>>; minAvailable: number } };
    job.metadata.name = name;
    job.spec.tasks = [
      { ...job.spec.tasks[0]!, name: 'mpimaster', replicas: 1 },
      { ...job.spec.tasks[1]!, name: name === 'fuzz-a' ? 'constructor' : 'mpiworker', replicas: 2 },
    ];
    job.spec.minAvailable = 1;
    emu.putJob(SEED_NS, job);
  }
});
afterAll(async () => {
  await emu.close();
});

describe('seeded fuzz', () => {
  it(`${CASES} generated inputs: no 5xx, problem+json errors, no PATCH for statically invalid input, jobs stay readable`, async () => {
    setEnv({ ...CLEAN_ENV, CCI_ENDPOINT: emu.url, CCI_TOKEN: 'local-dev-token', ALLOWED_NAMESPACES: SEED_NS, WEBHOOK_AUTH: 'none' });
    const [patchJob, getJob, fromQueue] = [await coldHandler('patchJob'), await coldHandler('getJob'), await coldHandler('patchFromQueue')];
    const logs = captureLogs(); // thousands of refusals: keep the output readable
    const problems: string[] = [];
    const counts = { statically: 0, refused: 0, ok: 0 };
    try {
      for (const [i, c] of generate(CASES).entries()) {
        const before = emu.stats().cci.patch;
        const where = `case ${i} (${c.kind} #${c.hostile}, static=${c.statically}): ${c.text.slice(0, 160)}`;
        if (c.kind === 'queue') {
          const out = (await fromQueue({ Records: [{ messageId: `m${i}`, body: c.text, attributes: {}, eventSource: 'aws:sqs' }] }, lambdaContext(15_000))) as { batchItemFailures: unknown[] };
          if (c.statically && out.batchItemFailures.length > 0) problems.push(`${where}: statically invalid message came back for a retry`);
        } else {
          const contentType = { body: 'application/json', merge: 'application/merge-patch+json', json: 'application/json-patch+json' }[c.kind];
          const res = await callHttp(patchJob, c.platform, 'patchJob', { body: c.text, contentType, secret: null, name: c.job });
          if (res.statusCode >= 500) problems.push(`${where}: ${res.statusCode} ${res.body.slice(0, 200)}`);
          if (res.statusCode >= 400 && res.headers['content-type'] !== 'application/problem+json') problems.push(`${where}: error without problem+json`);
          if (c.statically && res.statusCode < 400) problems.push(`${where}: statically invalid input accepted`);
          if (res.statusCode < 400) counts.ok++;
          else counts.refused++;
        }
        if (c.statically) {
          counts.statically++;
          if (emu.stats().cci.patch !== before) problems.push(`${where}: statically invalid input reached CCI as a PATCH`);
        }
        if (problems.length > 10) break;
      }
      for (const name of JOBS) {
        const res = await callHttp(getJob, 'aws', 'getJob', { secret: null, name });
        if (res.statusCode !== 200) problems.push(`job ${name} unreadable after the fuzz: ${res.statusCode}`);
        const tasks = (res.json.spec?.tasks ?? []) as Array<{ name: unknown; replicas: unknown; minAvailable?: unknown; template: unknown }>;
        const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 2 ** 31 - 1;
        if (tasks.map((t) => t.name).join() !== (name === 'fuzz-a' ? 'mpimaster,constructor' : 'mpimaster,mpiworker')) problems.push(`job ${name}: tasks changed`);
        for (const t of tasks) {
          if (!isCount(t.replicas) || (t.minAvailable !== undefined && !isCount(t.minAvailable)) || typeof t.template !== 'object' || t.template === null) {
            problems.push(`job ${name}: task stored with ${JSON.stringify({ replicas: t.replicas, minAvailable: t.minAvailable })}`);
          }
        }
      }
    } finally {
      logs.restore();
    }
    expect(problems).toEqual([]);
    // The generator really produced both kinds of input.
    expect(counts.statically).toBeGreaterThan(CASES / 2);
    expect(counts.ok).toBeGreaterThan(50);
  }, 120_000);
});
