/**
 * Tests mirror the code: `lib/<folder>/<module>.ts` is tested by `test/lib/<folder>/<module>.test.ts`.
 * Files that declare types only (no runtime code to test) are exempt and listed here by name, so
 * the exemption is a visible decision; a file listed here that gains runtime code fails the test.
 * The ratio over every lib/ module (exempt ones counted as untested) must stay at 80% or more.
 * Each handler `functions/<name>.ts` has its integration test `test/functions/<name>.test.ts`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

/**
 * Type-only modules: interfaces and type aliases, nothing that runs. (lib/cci/port.ts holds the
 * PATCH_TYPES and DEFAULT_FIELD_MANAGER constants and lib/http/middleware/types.ts the `callOf`
 * guard, so they are tested, not exempt.)
 */
export const TYPE_ONLY = ['lib/core/runtime.ts'];

function modulesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...modulesUnder(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(relative(ROOT, p));
  }
  return out.sort();
}

export const mirrorOf = (module: string) => `test/${module.replace(/\.ts$/, '.test.ts')}`;

/** Runtime statements, roughly: what is left once comments, imports and type declarations are removed. */
function hasRuntimeCode(source: string): boolean {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return /^\s*(export\s+)?(const|let|var|function|class|async|enum)\b/m.test(code);
}

describe('tests mirror lib/', () => {
  const modules = modulesUnder(join(ROOT, 'lib'));
  const tested = modules.filter((m) => existsSync(join(ROOT, mirrorOf(m))));
  const missing = modules.filter((m) => !tested.includes(m) && !TYPE_ONLY.includes(m));

  it('at least 80% of lib/ modules have a test file of the same name', () => {
    const ratio = tested.length / modules.length;
    expect(
      ratio,
      `${tested.length} of ${modules.length} modules (${(ratio * 100).toFixed(1)}%) have a mirror test; without one: ${missing.join(', ')}`,
    ).toBeGreaterThanOrEqual(0.8);
  });

  it('every module that is not type-only has its mirror test', () => {
    expect(missing, `modules without test/lib/<folder>/<module>.test.ts: ${missing.join(', ')}`).toEqual([]);
  });

  it('the type-only exemptions exist and hold no runtime code', () => {
    for (const m of TYPE_ONLY) {
      expect(existsSync(join(ROOT, m)), `${m} does not exist: drop it from TYPE_ONLY`).toBe(true);
      expect(hasRuntimeCode(readFileSync(join(ROOT, m), 'utf8')), `${m} has runtime code now: give it a test`).toBe(false);
    }
  });

  it('no test file under test/lib/ is left without its module (renamed or removed code)', () => {
    const tests = existsSync(join(ROOT, 'test/lib')) ? modulesUnder(join(ROOT, 'test/lib')).filter((t) => t.endsWith('.test.ts')) : [];
    const orphans = tests.filter((t) => !existsSync(join(ROOT, t.replace(/^test\//, '').replace(/\.test\.ts$/, '.ts'))));
    expect(orphans).toEqual([]);
  });
});

describe('tests mirror functions/', () => {
  it('every handler has test/functions/<name>.test.ts', () => {
    const handlers = readdirSync(join(ROOT, 'functions')).filter((f) => f.endsWith('.ts'));
    const missing = handlers.filter((f) => !existsSync(join(ROOT, 'test/functions', f.replace(/\.ts$/, '.test.ts'))));
    expect(handlers.length).toBeGreaterThan(0);
    expect(missing, `handlers without an integration test: ${missing.join(', ')}`).toEqual([]);
  });
});

