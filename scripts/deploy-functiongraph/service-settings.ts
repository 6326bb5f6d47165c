/**
 * What is deployed, read from serverless.yml: function names, memory, timeouts, environment, HTTP
 * routes, schedules and queue sources. The FunctionGraph deploy reads the same file that
 * `serverless deploy` reads, so the two platforms cannot drift apart. Only the variable forms
 * serverless.yml uses are resolved (`${opt:...}`, `${sls:stage}`, `${param:...}`, `${env:...}`,
 * `${self:...}`, with fallbacks); what only exists on AWS (CloudFormation `!Ref`, `!GetAtt`, ...)
 * resolves to "unset", and an unset or empty variable is left out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type Tags } from 'yaml';

export const SERVERLESS_YML = join(__dirname, '..', '..', 'serverless.yml');

export interface HttpRoute {
  method: string;
  path: string;
}

export interface FunctionSettings {
  /** The key under `functions:` (e.g. `getJob`). */
  name: string;
  description?: string;
  memorySize: number;
  /** Seconds. */
  timeout: number;
  /** Resolved, non-empty variables only (provider's, overridden by the function's own). */
  environment: Record<string, string>;
  httpRoutes: HttpRoute[];
  /** AWS schedule expressions as written (`rate(5 minutes)`, `cron(...)`). */
  schedules: string[];
  /** Present when the function consumes a queue (an `sqs` event on AWS). */
  queue?: { batchSize?: number };
}

export interface ServiceSettings {
  service: string;
  stage: string;
  functions: FunctionSettings[];
}

export interface ReadOptions {
  /** `--stage`; without it, serverless.yml's own default (`${opt:stage, 'dev'}`). */
  stage?: string;
  region?: string;
  env: Record<string, string | undefined>;
  file?: string;
}

/** A value that cannot be known outside AWS (a CloudFormation intrinsic), or a variable with no value. */
class Unset {
  constructor(readonly why: string) {}
}

const CFN_FUNCTIONS = ['Ref', 'GetAtt', 'Join', 'Select', 'Split', 'Not', 'Equals', 'Sub', 'If', 'And', 'Or', 'Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Condition'];
const CFN_TAGS: Tags = CFN_FUNCTIONS.flatMap((n) =>
  (['scalar', 'seq', 'map'] as const).map((kind) => ({
    tag: `!${n}`,
    ...(kind === 'scalar' ? {} : { collection: kind }),
    resolve: () => new Unset(`CloudFormation !${n}`),
  })),
) as Tags;

type Yaml = unknown;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unset);
}

/** Split `a, 'b, c'` at the first comma outside quotes and `${...}`. */
function splitFallback(inner: string): [string, string | undefined] {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '$' && inner[i + 1] === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) return [inner.slice(0, i).trim(), inner.slice(i + 1).trim()];
  }
  return [inner.trim(), undefined];
}

/** Index of the `}` closing the `${` at `start`. */
function closingBrace(s: string, start: number): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '{') {
      depth++;
      i++;
    } else if (s[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new Error(`serverless.yml: unterminated variable in "${s}"`);
}

class Resolver {
  private depth = 0;

  constructor(
    private readonly doc: Record<string, unknown>,
    private readonly opts: { stage: string; region?: string; env: Record<string, string | undefined> },
  ) {}

  /** Resolve every variable in a value (recursively through objects and lists). */
  value(v: Yaml): Yaml {
    if (typeof v === 'string') return this.string(v);
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.value(x)]));
    return v;
  }

  private string(s: string): Yaml {
    const start = s.indexOf('${');
    if (start === -1) return s;
    const end = closingBrace(s, start);
    const resolved = this.variable(s.slice(start + 2, end));
    if (start === 0 && end === s.length - 1) return resolved;
    if (resolved instanceof Unset || isRecord(resolved) || Array.isArray(resolved)) {
      return resolved instanceof Unset ? resolved : new Unset(`non-string value inside "${s}"`);
    }
    const rest = this.string(s.slice(end + 1));
    if (rest instanceof Unset) return rest;
    return s.slice(0, start) + String(resolved ?? '') + String(rest);
  }

  private variable(inner: string): Yaml {
    const [ref, fallback] = splitFallback(inner);
    const value = this.reference(ref);
    if (value !== undefined && !(value instanceof Unset && fallback !== undefined)) return value;
    if (fallback === undefined) return new Unset(`no value for \${${ref}}`);
    const quoted = /^'(.*)'$|^"(.*)"$/s.exec(fallback);
    if (quoted) return quoted[1] ?? quoted[2] ?? '';
    if (/^-?\d+(\.\d+)?$/.test(fallback)) return Number(fallback);
    if (fallback.includes('${')) return this.string(fallback);
    return this.variable(fallback);
  }

  private reference(ref: string): Yaml {
    const colon = ref.indexOf(':');
    const source = colon === -1 ? ref : ref.slice(0, colon);
    const address = colon === -1 ? '' : ref.slice(colon + 1);
    switch (source) {
      case 'opt':
        return address === 'stage' ? this.opts.stage : address === 'region' ? this.opts.region : undefined;
      case 'sls':
        return address === 'stage' ? this.opts.stage : undefined;
      case 'env': {
        const v = this.opts.env[address];
        return v === undefined ? undefined : v;
      }
      case 'param': {
        const params = isRecord(this.doc.params) ? this.doc.params : {};
        const forStage = isRecord(params[this.opts.stage]) ? (params[this.opts.stage] as Record<string, unknown>) : {};
        const defaults = isRecord(params.default) ? params.default : {};
        const raw = address in forStage ? forStage[address] : defaults[address];
        return raw === undefined ? undefined : this.nested(raw);
      }
      case 'self': {
        let node: unknown = this.doc;
        for (const key of address.split('.').filter((k) => k !== '')) {
          if (!isRecord(node)) return undefined;
          node = node[key];
        }
        return node === undefined ? undefined : this.nested(node);
      }
      default:
        return new Unset(`unsupported variable source "${source}"`);
    }
  }

  private nested(v: Yaml): Yaml {
    if (++this.depth > 20) throw new Error('serverless.yml: variables refer to each other in a loop');
    try {
      return this.value(v);
    } finally {
      this.depth--;
    }
  }
}

function positiveInt(v: Yaml, what: string): number | undefined {
  if (v === undefined || v === null || v instanceof Unset) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`serverless.yml: ${what} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

function optionalString(v: Yaml): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function environment(r: Resolver, ...sources: Yaml[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of sources) {
    if (!isRecord(source)) continue;
    for (const [key, raw] of Object.entries(source)) {
      const v = optionalString(r.value(raw));
      if (v === undefined || v === '') delete out[key];
      else out[key] = v;
    }
  }
  return out;
}

function events(r: Resolver, name: string, raw: Yaml): Pick<FunctionSettings, 'httpRoutes' | 'schedules' | 'queue'> {
  const httpRoutes: HttpRoute[] = [];
  const schedules: string[] = [];
  let queue: FunctionSettings['queue'];
  for (const ev of Array.isArray(raw) ? raw : []) {
    if (!isRecord(ev)) continue;
    if ('httpApi' in ev) {
      const h = r.value(ev.httpApi);
      if (typeof h === 'string') {
        const [method, path] = h.trim().split(/\s+/, 2);
        if (method && path) httpRoutes.push({ method: method.toUpperCase(), path });
      } else if (isRecord(h) && typeof h.method === 'string' && typeof h.path === 'string') {
        httpRoutes.push({ method: h.method.toUpperCase(), path: h.path });
      } else throw new Error(`serverless.yml: functions.${name} has an httpApi event without method and path`);
    }
    if ('schedule' in ev) {
      const s = r.value(ev.schedule);
      const rates = typeof s === 'string' ? [s] : isRecord(s) ? (Array.isArray(s.rate) ? s.rate : [s.rate]) : [];
      const enabled = !isRecord(s) || s.enabled !== false;
      for (const rate of rates) {
        if (typeof rate !== 'string') throw new Error(`serverless.yml: functions.${name} has a schedule without a rate`);
        if (enabled) schedules.push(rate);
      }
    }
    if ('sqs' in ev) {
      const q = r.value(ev.sqs);
      queue = { batchSize: isRecord(q) ? positiveInt(q.batchSize, `functions.${name}.events.sqs.batchSize`) : undefined };
    }
  }
  return { httpRoutes, schedules, ...(queue ? { queue } : {}) };
}

export function readServiceSettings(opts: ReadOptions): ServiceSettings {
  const file = opts.file ?? SERVERLESS_YML;
  const doc = parse(readFileSync(file, 'utf8'), { customTags: CFN_TAGS }) as unknown;
  if (!isRecord(doc)) throw new Error(`${file}: not a YAML mapping`);
  const provider = isRecord(doc.provider) ? doc.provider : {};
  // The stage itself may be a variable (`${opt:stage, 'dev'}`): resolve it with --stage as opt:stage.
  const stageResolver = new Resolver(doc, { stage: opts.stage ?? '', region: opts.region, env: opts.env });
  const declared = provider.stage === undefined ? undefined : stageResolver.value(provider.stage);
  const stage = opts.stage ?? (typeof declared === 'string' && declared !== '' ? declared : 'dev');
  const r = new Resolver(doc, { stage, region: opts.region, env: opts.env });
  const service = optionalString(r.value(doc.service));
  if (!service) throw new Error(`${file}: no service name`);
  const defaultMemory = positiveInt(r.value(provider.memorySize), 'provider.memorySize') ?? 1024;
  const defaultTimeout = positiveInt(r.value(provider.timeout), 'provider.timeout') ?? 6;
  const fns = isRecord(doc.functions) ? doc.functions : {};
  const functions: FunctionSettings[] = Object.entries(fns).map(([name, raw]) => {
    const fn = isRecord(raw) ? raw : {};
    const description = optionalString(r.value(fn.description));
    return {
      name,
      ...(description ? { description } : {}),
      memorySize: positiveInt(r.value(fn.memorySize), `functions.${name}.memorySize`) ?? defaultMemory,
      timeout: positiveInt(r.value(fn.timeout), `functions.${name}.timeout`) ?? defaultTimeout,
      environment: environment(r, provider.environment, fn.environment),
      ...events(r, name, fn.events),
    };
  });
  return { service, stage, functions };
}
