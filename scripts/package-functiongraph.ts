/**
 * `npm run package:functiongraph`: one self-contained zip per function for Huawei FunctionGraph
 * (Node.js 20 runtime, handler setting `index.handler`): dist/functiongraph/<name>.zip holding
 * index.js. FunctionGraph provides no AWS SDK, so the clients a function may use are bundled into
 * the zip's own node_modules/@aws-sdk/<client>/index.js: index.js stays small, and a client is only
 * loaded when an SQS queue or Secrets Manager is actually configured. `yaml` (for kubeconfigs) is
 * shipped the same way, as node_modules/yaml/index.js.
 */
import { readdirSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { writeZip } from './zip-files';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const plugins = require('../bundling/esbuild-plugins.cjs') as import('esbuild').Plugin[];

const ROOT = join(__dirname, '..');
/** As serverless.yml builds for Lambda (custom.esbuild), for FunctionGraph's Node.js 20. */
const BUILD = { bundle: true, minify: true, platform: 'node', target: 'node20', format: 'cjs', write: false, legalComments: 'none', logLevel: 'warning' } as const;
const OUT = join(ROOT, 'dist', 'functiongraph');
/** Packages kept out of index.js and bundled beside it, each into node_modules/<package>/index.js. */
const EXTERNAL = ['@aws-sdk/*', 'yaml'] as const;
const isShipped = (path: string) => path.startsWith('@aws-sdk/') || path === 'yaml';

export async function packageFunctionGraph(outDir = OUT): Promise<Array<{ name: string; zip: string; jsBytes: number; zipBytes: number; files: string[] }>> {
  const names = readdirSync(join(ROOT, 'functions'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const results = [];
  const sdkBundles = new Map<string, Buffer>();
  for (const name of names) {
    const res = await build({
      ...BUILD,
      entryPoints: [join(ROOT, 'functions', `${name}.ts`)],
      metafile: true,
      // The SDK and yaml go into the zip's own node_modules: index.js stays small and loads them on use.
      external: [...EXTERNAL],
      plugins,
    });
    const js = res.outputFiles[0]!.contents;
    const sdkImports = new Set<string>();
    for (const output of Object.values(res.metafile.outputs)) {
      for (const imp of output.imports) if (imp.external && isShipped(imp.path)) sdkImports.add(imp.path);
    }
    const entries: Array<{ name: string; data: Buffer | string }> = [{ name: 'index.js', data: Buffer.from(js) }];
    for (const pkg of [...sdkImports].sort()) {
      let bundle = sdkBundles.get(pkg);
      if (!bundle) {
        const sdk = await build({ ...BUILD, entryPoints: [require.resolve(pkg, { paths: [ROOT] })] });
        bundle = Buffer.from(sdk.outputFiles[0]!.contents);
        sdkBundles.set(pkg, bundle);
      }
      entries.push({ name: `node_modules/${pkg}/index.js`, data: bundle });
      entries.push({ name: `node_modules/${pkg}/package.json`, data: JSON.stringify({ name: pkg, main: 'index.js' }) + '\n' });
    }
    const zip = join(outDir, `${name}.zip`);
    await writeZip(zip, entries);
    results.push({ name, zip, jsBytes: js.length, zipBytes: statSync(zip).size, files: entries.map((e) => e.name) });
  }
  return results;
}

if (require.main === module) {
  packageFunctionGraph().then(
    (rows) => {
      for (const r of rows) {
        const extra = r.files.filter((f) => f.endsWith('/index.js') && f !== 'index.js').map((f) => f.split('/').slice(1, 3).join('/'));
        process.stdout.write(
          `${r.zip.replace(ROOT + '/', '')}  index.js ${r.jsBytes} B, zip ${r.zipBytes} B${extra.length ? `, bundled: ${extra.join(', ')}` : ''}  (handler index.handler, Node.js 20)\n`,
        );
      }
    },
    (err: unknown) => {
      process.stderr.write(`FunctionGraph packaging failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
