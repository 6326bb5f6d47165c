/**
 * The one-way dependency rule of lib/ (and functions/), checked on the real import graph:
 *
 *   functions → http → platform → queue → patch | sweep → cci | notify → credentials → aws → upstream | job → core
 *
 * A module may import from its own folder or from a folder of a lower layer, never upward or
 * sideways: features (patch, queue, sweep) never see platform shapes or the HTTP shell, and the
 * primitives in core depend on nothing of ours. A new folder must be given a layer here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

/** Lower numbers are lower layers. Folders on one layer may not import each other. */
export const LAYERS: Record<string, number> = {
  'lib/core': 0,
  'lib/upstream': 1,
  'lib/job': 1,
  'lib/aws': 2,
  'lib/credentials': 3,
  'lib/cci': 4,
  'lib/notify': 4,
  'lib/patch': 5,
  'lib/sweep': 5,
  'lib/queue': 6,
  'lib/platform': 7,
  'lib/http': 8,
  functions: 9,
};

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** The folder (a key of LAYERS) a file belongs to. */
function folderOf(file: string): string | undefined {
  const rel = relative(ROOT, file).split('/');
  if (rel[0] === 'functions') return 'functions';
  if (rel[0] !== 'lib') return undefined;
  // `../credentials` names the folder (its index.ts); `lib/x.ts` is a file at the root of lib/.
  return rel.length > 2 || (rel.length === 2 && !rel[1]!.endsWith('.ts')) ? `lib/${rel[1]}` : 'lib';
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|require\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

export function relativeImports(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

export function violations(files: readonly string[], read: (f: string) => string = (f) => readFileSync(f, 'utf8')): string[] {
  const out: string[] = [];
  for (const file of files) {
    const from = folderOf(file);
    if (from === undefined) continue;
    for (const spec of relativeImports(read(file))) {
      const to = folderOf(resolve(dirname(file), spec));
      if (to === undefined || to === from) continue;
      const a = LAYERS[from];
      const b = LAYERS[to];
      if (a === undefined || b === undefined) out.push(`${relative(ROOT, file)}: folder ${a === undefined ? from : to} has no layer`);
      else if (b >= a) out.push(`${relative(ROOT, file)} (${from}) imports ${spec} (${to}): against the dependency rule`);
    }
  }
  return out;
}

const CODE = [...filesUnder(join(ROOT, 'lib')), ...filesUnder(join(ROOT, 'functions'))];

describe('dependency rule', () => {
  it('every lib/ and functions/ import goes to its own folder or a lower layer', () => {
    expect(violations(CODE)).toEqual([]);
  });

  it('every lib/ folder has a layer, and lib/ itself holds at most a few files', () => {
    const folders = readdirSync(join(ROOT, 'lib')).filter((e) => statSync(join(ROOT, 'lib', e)).isDirectory());
    expect(folders.filter((f) => LAYERS[`lib/${f}`] === undefined)).toEqual([]);
    expect(readdirSync(join(ROOT, 'lib')).filter((e) => e.endsWith('.ts')).length).toBeLessThanOrEqual(3);
  });

  it('fails on an upward or sideways import', () => {
    const fake = new Map([
      [join(ROOT, 'lib/patch/x.ts'), "import { invocationFrom } from '../platform/invocation';"],
      [join(ROOT, 'lib/sweep/y.ts'), "import type { PatchBody } from '../patch/schema';"],
      [join(ROOT, 'lib/core/z.ts'), "export { a } from '../job/names';\nconst m = await import('../cci/port');"],
      [join(ROOT, 'lib/cci/ok.ts'), "import { AppError } from '../core/errors';\nimport { x } from './port';"],
    ]);
    const found = violations([...fake.keys()], (f) => fake.get(f)!);
    expect(found).toHaveLength(4);
    expect(found.join('\n')).toMatch(/lib\/patch\/x\.ts.*platform/);
    expect(found.join('\n')).toMatch(/lib\/sweep\/y\.ts.*patch/);
    expect(found.join('\n')).toMatch(/lib\/core\/z\.ts.*job/);
    expect(found.join('\n')).toMatch(/lib\/core\/z\.ts.*cci/);
  });
});
