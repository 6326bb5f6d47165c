import { build } from 'esbuild';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const plugins = require('/work/main/bundling/esbuild-plugins.cjs');
const fn = process.argv[2];
const r = await build({ entryPoints: [`/work/main/functions/${fn}.ts`], bundle: true, minify: true, platform: 'node', target: 'node20', format: 'cjs', write: false, legalComments: 'none', external: ['@aws-sdk/*', 'yaml'], plugins, logLevel: 'error', metafile: true });
const out = Object.values(r.metafile.outputs)[0];
const rows = Object.entries(out.inputs).map(([k, v]) => [v.bytesInOutput, k]).sort((a, b) => b[0] - a[0]);
for (const [b, k] of rows) console.log(b, k); console.log(r.outputFiles[0].contents.length, 'TOTAL');
