/**
 * The shared esbuild plugins (bundling/esbuild-plugins.cjs) change what a bundle carries, never
 * what it does: the JSON body parser bundled with the @middy/util stand-in throws the same errors
 * as with the real module, and the bundled patchJob answers malformed bodies as its source does.
 */
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CLEAN_ENV, setEnv } from '../support/env';
import { callHttp, coldHandler } from '../support/harness';
import { TEST_SECRET, SEED_NS } from '../support/http-events';
import { tempDir } from '../support/tmp';

const ROOT = join(__dirname, '..', '..');
const requireHere = createRequire(__filename);
const plugins = requireHere('../../bundling/esbuild-plugins.cjs') as import('esbuild').Plugin[];

async function bundle(entry: { contents: string } | { file: string }, withPlugins: boolean, dir: string, name: string): Promise<string> {
  const outfile = join(dir, `${name}.js`);
  await build({
    ...('file' in entry ? { entryPoints: [entry.file] } : { stdin: { contents: entry.contents, resolveDir: ROOT, loader: 'js' } }),
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    legalComments: 'none',
    external: ['@aws-sdk/*', 'yaml'],
    plugins: withPlugins ? plugins : [],
    logLevel: 'error',
  });
  return outfile;
}

type Parser = () => { before: (request: { event: Record<string, unknown> }) => Promise<void> };

async function thrown(parser: Parser, event: Record<string, unknown>): Promise<Record<string, unknown>> {
  try {
    await parser().before({ event });
  } catch (err) {
    const e = err as Error & Record<string, unknown>;
    return { isError: e instanceof Error, name: e.name, message: e.message, status: e.status, statusCode: e.statusCode, expose: e.expose, cause: e.cause };
  }
  throw new Error('the parser did not throw');
}

describe('middy-util-errors', () => {
  it('the body parser throws the same errors with the stand-in as with @middy/util, which it leaves out', async () => {
    const dir = tempDir('plugins-');
    const entry = { contents: "module.exports = require('@middy/http-json-body-parser').default;" };
    const withStandIn = await bundle(entry, true, dir, 'with');
    const withReal = await bundle(entry, false, dir, 'without');
    expect(readFileSync(withStandIn, 'utf8')).not.toContain('Non-Authoritative Information');
    expect(readFileSync(withReal, 'utf8')).toContain('Non-Authoritative Information');
    const a = requireHere(withStandIn) as Parser;
    const b = requireHere(withReal) as Parser;
    const events = [
      { headers: { 'content-type': 'application/json' }, body: '{"labels":' },
      { headers: { 'content-type': 'application/json' }, body: '\u00ff' },
      { headers: { 'content-type': 'text/plain' }, body: '{}' },
      { headers: { 'Content-Type': 'application/merge-patch+json' } },
      { headers: {}, body: '{}' },
    ];
    for (const event of events) {
      const got = await thrown(a, { ...event });
      expect(got).toEqual(await thrown(b, { ...event }));
      expect(got).toMatchObject({ name: 'UnsupportedMediaTypeError', status: 415, expose: true });
    }
  });
});

describe('bundled patchJob', () => {
  beforeEach(() => {
    // No CCI is reached: every body here is refused before the handler runs.
    setEnv({ ...CLEAN_ENV, CCI_ENDPOINT: 'http://127.0.0.1:9', CCI_TOKEN: 't', ALLOWED_NAMESPACES: SEED_NS, WEBHOOK_SECRET: TEST_SECRET });
  });

  it('answers malformed bodies as the source handler does', async () => {
    const file = await bundle({ file: join(ROOT, 'functions', 'patchJob.ts') }, true, tempDir('plugins-'), 'patchJob');
    const bundled = (requireHere(file) as { handler: Awaited<ReturnType<typeof coldHandler>> }).handler;
    const source = await coldHandler('patchJob');
    const cases = [
      { body: '{"labels":', contentType: 'application/json' },
      { body: '[1,', contentType: 'application/merge-patch+json' },
      { body: 'not json', contentType: 'application/json-patch+json' },
      { body: '', contentType: 'application/json' },
    ];
    for (const platform of ['aws', 'functiongraph'] as const) {
      for (const c of cases) {
        const fromBundle = await callHttp(bundled, platform, 'patchJob', c);
        const fromSource = await callHttp(source, platform, 'patchJob', c);
        expect(fromBundle.statusCode).toBe(400);
        // Each call gets its own request id.
        expect({ ...fromBundle.json, requestId: 'x' }).toEqual({ ...fromSource.json, requestId: 'x' });
        expect(fromBundle.json.type).toMatch(/invalid-json/);
      }
    }
  });
});
