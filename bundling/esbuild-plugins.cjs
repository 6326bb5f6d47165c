/**
 * esbuild plugins shared by every build of the functions (serverless-esbuild via serverless.yml,
 * the FunctionGraph packager, the benchmark).
 *
 * lazyBuiltins: @middy/core imports node:stream, node:stream/promises and node:stream/web at the
 * top for its response-streaming mode, which these functions never use. The plugin hands middy a
 * module whose exports (the names middy imports) are getters that require the builtin on first
 * access: behaviour is unchanged, and the load cost is paid only if streaming is ever used.
 */
const { readFileSync } = require('node:fs');

const LAZY = new Set(['node:stream', 'node:stream/promises', 'node:stream/web']);

/** The names `importer` imports from `path` (`import { a, b as c } from "path"`). */
function importedNames(importer, path) {
  const source = readFileSync(importer, 'utf8');
  const names = new Set();
  const re = /import\s*\{([^}]*)\}\s*from\s*["']([^"']+)["']/g;
  for (const m of source.matchAll(re)) {
    if (m[2] !== path) continue;
    for (const part of m[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/)[0];
      if (name) names.add(name);
    }
  }
  return [...names];
}

const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    build.onResolve({ filter: /^node:stream(\/promises|\/web)?$/ }, (args) => {
      if (!LAZY.has(args.path) || !/[\\/]@middy[\\/]core[\\/]/.test(args.importer)) return undefined;
      return { path: args.path, namespace: 'lazy-builtin', pluginData: { importer: args.importer } };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      let names = importedNames(args.pluginData.importer, args.path);
      if (names.length === 0) names = Object.keys(require(args.path)).filter((n) => n !== 'default');
      const contents = [
        `let m;`,
        `const load = () => (m ??= require(${JSON.stringify(args.path)}));`,
        `for (const n of ${JSON.stringify(names)}) Object.defineProperty(exports, n, { enumerable: true, get: () => load()[n] });`,
      ].join('\n');
      return { contents, loader: 'js', resolveDir: __dirname };
    });
  },
};

module.exports = [lazyBuiltins];
module.exports.lazyBuiltins = lazyBuiltins;
