/**
 * Builds the functions exactly as deployed: `serverless package` (osls + serverless-esbuild, the
 * settings of serverless.yml) into a temporary directory, then unzips every `<name>.zip`.
 *
 * The package step runs on a copy of the checkout (node_modules symlinked), so the bench never
 * touches `.serverless/` or `.esbuild/` of the working tree that other people may be using.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export interface BuiltFunction {
  name: string;
  /** Handler setting, e.g. functions/getJob.handler. */
  handler: string;
  /** Configured timeout in seconds (function or provider). */
  timeoutS: number;
  /** Configured memory in MB (function or provider; the framework's default 1024 without either). */
  memoryMB: number;
  /** NODE_OPTIONS the function is deployed with (function or provider environment), if any. */
  nodeOptions: string | undefined;
  /** The deployed variables the C library reads as the process starts (MALLOC_*), name → value. */
  mallocEnv: Record<string, string>;
  zipPath: string;
  zipBytes: number;
  /** The unzipped bundle that the runtime would require. */
  jsPath: string;
  jsBytes: number;
  /** Every file the zip holds, with its uncompressed size. */
  entries: Array<{ name: string; bytes: number }>;
}

export interface BuildResult {
  functions: BuiltFunction[];
  packageMs: number;
  outDir: string;
}

/** Top-level entries of the checkout not copied for packaging. */
const SKIP = new Set(['node_modules', '.git', '.serverless', '.esbuild', '.build', 'dist', 'coverage', 'bench']);

export function packageFunctions(root: string, work: string): BuildResult {
  const src = join(work, 'src');
  const out = join(work, 'package');
  mkdirSync(src, { recursive: true });
  cpSync(root, src, {
    recursive: true,
    filter: (from) => {
      const rel = from.slice(root.length).replace(/^[\\/]+/, '');
      const top = rel.split(/[\\/]/)[0] ?? '';
      return !SKIP.has(top);
    },
  });
  symlinkSync(join(root, 'node_modules'), join(src, 'node_modules'), 'dir');

  const bin = join(root, 'node_modules', 'serverless', 'bin', 'serverless.js');
  const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
  delete env.NODE_OPTIONS;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, 'package', '--package', out], { cwd: src, env, encoding: 'utf8', timeout: 180_000 });
  const packageMs = performance.now() - t0;
  if (r.status !== 0) {
    throw new Error(`serverless package failed (exit ${r.status ?? r.signal}):\n${(r.stdout ?? '') + (r.stderr ?? '')}`.slice(0, 4000));
  }

  const state = JSON.parse(readFileSync(join(out, 'serverless-state.json'), 'utf8')) as {
    service: {
      provider?: { timeout?: number; memorySize?: number; environment?: Record<string, unknown> };
      functions: Record<string, { handler: string; timeout?: number; memorySize?: number; environment?: Record<string, unknown>; package?: { artifact?: string } }>;
    };
  };
  const providerTimeout = state.service.provider?.timeout ?? 6;
  const providerMemory = state.service.provider?.memorySize ?? 1024;
  const functions: BuiltFunction[] = [];
  for (const [name, fn] of Object.entries(state.service.functions)) {
    const zipPath = join(out, basename(fn.package?.artifact ?? `${name}.zip`));
    const dest = join(work, 'fn', name);
    const entries = extractZip(zipPath, dest);
    const jsRel = `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.js`;
    const js = entries.find((e) => e.name === jsRel);
    if (!js) throw new Error(`${basename(zipPath)} does not hold ${jsRel} (holds: ${entries.map((e) => e.name).join(', ')})`);
    functions.push({
      name,
      handler: fn.handler,
      timeoutS: fn.timeout ?? providerTimeout,
      memoryMB: fn.memorySize ?? providerMemory,
      nodeOptions: nodeOptionsOf(fn.environment?.NODE_OPTIONS ?? state.service.provider?.environment?.NODE_OPTIONS),
      mallocEnv: mallocEnvOf({ ...state.service.provider?.environment, ...fn.environment }),
      zipPath,
      zipBytes: statSync(zipPath).size,
      jsPath: join(dest, jsRel),
      jsBytes: js.bytes,
      entries,
    });
  }
  return { functions, packageMs, outDir: out };
}

/** A NODE_OPTIONS value as the function gets it: a non-empty string, else none. */
function nodeOptionsOf(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** The MALLOC_* variables of a function's environment (glibc's tunables, read before Node starts). */
function mallocEnvOf(env: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('MALLOC_') && typeof e[1] === 'string'));
}

/** Minimal zip reader (stored + deflate entries, central directory), so no `unzip` binary is needed. */
export function extractZip(zipPath: string, dest: string): Array<{ name: string; bytes: number }> {
  const buf = readFileSync(zipPath);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65_535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${zipPath}: not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: Array<{ name: string; bytes: number }> = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${zipPath}: bad central directory`);
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const usize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    const lNameLen = buf.readUInt16LE(local + 26);
    const lExtraLen = buf.readUInt16LE(local + 28);
    const start = local + 30 + lNameLen + lExtraLen;
    const raw = buf.subarray(start, start + csize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = inflateRawSync(raw);
    else throw new Error(`${zipPath}: ${name} uses unsupported compression method ${method}`);
    if (data.length !== usize) throw new Error(`${zipPath}: ${name} inflated to ${data.length} bytes, expected ${usize}`);
    const file = join(dest, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, data);
    entries.push({ name, bytes: data.length });
  }
  return entries;
}
