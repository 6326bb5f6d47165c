/**
 * docs/configuration.md and serverless.yml against the code: every environment variable the
 * functions read (a variable name as a string literal in lib/ or functions/, or `process.env.NAME`)
 * must be documented in docs/configuration.md and passed through by serverless.yml from the
 * deployer's shell (which npm run deploy:functiongraph reads too), so no setting exists that a user
 * cannot find or cannot set.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readServiceSettings } from '../../scripts/deploy-functiongraph/service-settings';

const ROOT = resolve(__dirname, '../..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const p = join(dir, entry);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Comments out, so a variable only mentioned in a comment does not count as read. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const VARIABLE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

/** Environment variable names a source reads: upper-case snake-case string literals and `process.env.X`. */
export function variablesIn(source: string): string[] {
  const code = stripComments(source);
  const out = new Set<string>();
  for (const m of code.matchAll(/(['"])([A-Z][A-Z0-9_]*)\1/g)) if (VARIABLE.test(m[2]!)) out.add(m[2]!);
  for (const m of code.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*(['"])([A-Z][A-Z0-9_]*)\2\s*\])/g)) out.add((m[1] ?? m[3])!);
  return [...out].sort();
}

const read = [...new Set([...tsFiles(join(ROOT, 'lib')), ...tsFiles(join(ROOT, 'functions'))].flatMap((f) => variablesIn(readFileSync(f, 'utf8'))))].sort();
const configDoc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');

describe('the variable scan', () => {
  it('finds literals and process.env reads, not comments or other strings', () => {
    const src = [
      "const a = env('CCI_ENDPOINT');",
      'const KEYS = ["IAM_USER", \'IAM_PASSWORD\'] as const;',
      'const level = process.env.LOG_LEVEL ?? process.env["SWEEP_PAGE_SIZE"];',
      '// env(\'ONLY_IN_A_COMMENT\') and `ALSO_COMMENTED`',
      '/* env("BLOCK_COMMENT_VAR") */',
      "const url = 'https://example.invalid/'; // then a comment naming 'TRAILING_COMMENT_VAR'",
      "const notAVariable = 'SDK-HMAC-SHA256' + 'Job' + 'NOUNDERSCORE';",
    ].join('\n');
    expect(variablesIn(src)).toEqual(['CCI_ENDPOINT', 'IAM_PASSWORD', 'IAM_USER', 'LOG_LEVEL', 'SWEEP_PAGE_SIZE']);
  });

  it('finds the variables the code is known to read', () => {
    for (const v of ['CCI_ENDPOINT', 'CCI_TOKEN', 'IAM_PASSWORD', 'ALLOWED_NAMESPACES', 'WEBHOOK_SECRET', 'SWEEP_PAGE_SIZE', 'SWEEP_CONCURRENCY', 'FAILED_PATCHES_QUEUE_URL', 'LOG_LEVEL']) {
      expect(read).toContain(v);
    }
  });
});

describe('docs/configuration.md', () => {
  it.each(read)('documents %s', (name) => {
    expect(configDoc, `${name} is read by the functions: document it in docs/configuration.md`).toContain('`' + name + '`');
  });

  it('documents the credential precedence and the FunctionGraph sources', () => {
    expect(configDoc).toMatch(/## Which credential is used/);
    for (const s of ['context.getUserData', 'encrypted_user_data', 'getSecurityAccessKey()', 'getToken()', 'AWS_REGION']) expect(configDoc).toContain(s);
  });
});

describe('serverless.yml', () => {
  // Each variable set in the deployer's shell to a marker; the marker must reach some function.
  const shell = Object.fromEntries(read.map((v) => [v, `from-shell-${v.toLowerCase()}`]));
  const settings = readServiceSettings({ env: shell });

  it.each(read)('passes %s through from the shell', (name) => {
    const reaching = settings.functions.filter((f) => f.environment[name] === shell[name]).map((f) => f.name);
    expect(reaching, `${name} is read by the functions: pass it in serverless.yml (\${env:${name}, ''})`).not.toEqual([]);
  });
});
