/**
 * After `npx serverless package`: every function of serverless.yml has `.serverless/<name>.zip`
 * holding `functions/<name>.js` that exports `handler` (checked by loading it), and every package
 * the bundle requires (externals such as `yaml`) in the zip's node_modules, except the AWS SDK v3
 * the Lambda runtime provides and Node's builtins. Used by .ci/run.
 */
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readZip } from './zip-files';

async function main(): Promise<void> {
  const dir = join(__dirname, '..', '.serverless');
  const state = JSON.parse(readFileSync(join(dir, 'serverless-state.json'), 'utf8')) as { service: { functions: Record<string, unknown> } };
  const names = Object.keys(state.service.functions);
  if (names.length === 0) throw new Error('serverless.yml declares no functions');
  for (const name of names) {
    const files = await readZip(join(dir, `${name}.zip`));
    const js = files.get(`functions/${name}.js`);
    if (!js) throw new Error(`${name}.zip lacks functions/${name}.js (holds: ${[...files.keys()].join(', ')})`);
    const mod = { exports: {} as Record<string, unknown> };
    // Evaluate the bundle as Lambda would require it; the AWS SDK stays external (lazily imported).
    new Function('module', 'exports', 'require', js.toString('utf8'))(mod, mod.exports, require);
    if (typeof mod.exports.handler !== 'function') throw new Error(`functions/${name}.js does not export handler`);
    for (const [, pkg] of js.toString('utf8').matchAll(/require\("([^"./][^"]*)"\)/g)) {
      if (pkg!.startsWith('node:') || pkg!.startsWith('@aws-sdk/') || builtinModules.includes(pkg!)) continue;
      if (!files.has(`node_modules/${pkg}/package.json`)) throw new Error(`${name}.zip lacks node_modules/${pkg}, which functions/${name}.js requires`);
    }
    process.stdout.write(`ok: .serverless/${name}.zip holds functions/${name}.js (${js.length} B) exporting handler\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Lambda package check failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
