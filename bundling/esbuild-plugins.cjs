/**
 * esbuild plugins shared by every build of the functions (serverless-esbuild via serverless.yml,
 * the FunctionGraph packager, the benchmark).
 *
 * lazyBuiltins: @middy/core imports node:stream, node:stream/promises and node:stream/web at the
 * top for its response-streaming mode, which these functions never use. The plugin hands middy a
 * module whose exports (the names middy imports) are getters that require the builtin on first
 * access: behaviour is unchanged, and the load cost is paid only if streaming is ever used.
 *
 * middyUtilErrors: @middy/http-json-body-parser imports only `createError` from @middy/util, whose
 * HttpError names itself from a table of ~60 reason phrases: 1.7 KB of the patchJob bundle, parsed
 * and built at every cold start, for the errors the parser throws (a 415 carrying the JSON.parse
 * message, which lib/http/middleware/json-body.ts maps to the contract's 400). The plugin hands
 * the parser the same HttpError (name, message, status, statusCode, expose, cause) with the phrase
 * read from node:http's STATUS_CODES when an error is made, which has the same phrase for 415. If
 * the parser ever imports anything else from @middy/util, the real module is bundled.
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

const MIDDY_UTIL_ERRORS = `
const nonLetters = /[^a-zA-Z]/g;
export class HttpError extends Error {
  constructor(code, optionalMessage, optionalOptions = {}) {
    let message = optionalMessage;
    let options = optionalOptions;
    if (message && typeof message !== 'string') {
      options = message;
      message = undefined;
    }
    const phrase = require('node:http').STATUS_CODES[code] ?? 'Error';
    super(message ?? phrase, options);
    const name = phrase.replace(nonLetters, '');
    this.name = name.endsWith('Error') ? name : name + 'Error';
    this.status = this.statusCode = code;
    this.expose = options.expose ?? code < 500;
  }
}
export const createError = (code, message, properties = {}) => new HttpError(code, message, properties);
`;

const middyUtilErrors = {
  name: 'middy-util-errors',
  setup(build) {
    build.onResolve({ filter: /^@middy\/util$/ }, (args) => {
      if (!/[\\/]@middy[\\/]http-json-body-parser[\\/]/.test(args.importer)) return undefined;
      const names = importedNames(args.importer, args.path);
      if (names.length !== 1 || names[0] !== 'createError') return undefined;
      return { path: args.path, namespace: 'middy-util-errors' };
    });
    build.onLoad({ filter: /.*/, namespace: 'middy-util-errors' }, () => ({ contents: MIDDY_UTIL_ERRORS, loader: 'js', resolveDir: __dirname }));
  },
};

module.exports = [lazyBuiltins, middyUtilErrors];
module.exports.lazyBuiltins = lazyBuiltins;
module.exports.middyUtilErrors = middyUtilErrors;
