/**
 * HTTP face of the emulated Kubernetes API (CCI + Volcano): which route a request addresses, how it
 * is counted, and its dispatch after authentication and the namespace ban list: discovery, then the
 * Volcano Job resource (CciService) and the read-only PodGroups, answered as JSON or, for kubectl, as a Table.
 */
import type { Authenticator } from './auth';
import { type CciService, JOBS_PREFIX } from './cci';
import { JOBS_CRD, PODGROUPS_CRD } from './crds';
import { discoveryDocument, isDiscoveryPath } from './discovery';
import { headerString } from './http';
import { badRequest, forbiddenByRbac, forbiddenNamespace, genericNotFound, methodNotAllowed } from './k8s-status';
import { answer, type Exchange, type Service } from './pipeline';
import { type PodGroups, PODGROUPS_PREFIX } from './podgroups';
import type { RequestLog } from './request-log';
import { includeObjectOf, negotiate, toTable } from './table';

export type CciRoute =
  | { kind: 'list' | 'create' | 'collection-patch' | 'collection-other'; namespace: string }
  | { kind: 'get' | 'patch' | 'put' | 'item-other'; namespace: string; name: string }
  | { kind: 'getStatus' | 'patchStatus' | 'putStatus' | 'status-other'; namespace: string; name: string }
  | { kind: 'pgList' | 'pg-collection-other'; namespace: string }
  | { kind: 'pgGet' | 'pg-item-other'; namespace: string; name: string }
  | { kind: 'unknown' };

function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function classifyPodGroups(method: string, path: string): CciRoute {
  const rest = path.slice(PODGROUPS_PREFIX.length).split('/');
  const namespace = decodeSegment(rest[0] ?? '');
  if (!namespace || rest[1] !== 'podgroups') return { kind: 'unknown' };
  if (rest.length === 2 || (rest.length === 3 && rest[2] === '')) return { kind: method === 'GET' ? 'pgList' : 'pg-collection-other', namespace };
  const name = decodeSegment(rest[2] ?? '');
  if (!name || rest.length > 3) return { kind: 'unknown' };
  return { kind: method === 'GET' ? 'pgGet' : 'pg-item-other', namespace, name };
}

export function classifyCci(method: string, path: string): CciRoute {
  if (path.startsWith(PODGROUPS_PREFIX)) return classifyPodGroups(method, path);
  if (!path.startsWith(JOBS_PREFIX)) return { kind: 'unknown' };
  const rest = path.slice(JOBS_PREFIX.length).split('/');
  const namespace = decodeSegment(rest[0] ?? '');
  if (!namespace || rest[1] !== 'jobs') return { kind: 'unknown' };
  if (rest.length === 2 || (rest.length === 3 && rest[2] === '')) {
    if (method === 'GET') return { kind: 'list', namespace };
    if (method === 'POST') return { kind: 'create', namespace };
    if (method === 'PATCH') return { kind: 'collection-patch', namespace };
    return { kind: 'collection-other', namespace };
  }
  const name = decodeSegment(rest[2] ?? '');
  if (!name) return { kind: 'unknown' };
  if (rest.length === 3) {
    if (method === 'GET') return { kind: 'get', namespace, name };
    if (method === 'PATCH') return { kind: 'patch', namespace, name };
    if (method === 'PUT') return { kind: 'put', namespace, name };
    return { kind: 'item-other', namespace, name };
  }
  if (rest.length === 4 && rest[3] === 'status') {
    if (method === 'GET') return { kind: 'getStatus', namespace, name };
    if (method === 'PATCH') return { kind: 'patchStatus', namespace, name };
    if (method === 'PUT') return { kind: 'putStatus', namespace, name };
    return { kind: 'status-other', namespace, name };
  }
  return { kind: 'unknown' };
}

const COUNTER = {
  get: 'get',
  getStatus: 'get',
  list: 'list',
  patch: 'patch',
  patchStatus: 'patchStatus',
  create: 'create',
  pgGet: 'podGroups',
  pgList: 'podGroups',
} as const;
const VERB: Record<string, string> = {
  list: 'list',
  create: 'create',
  get: 'get',
  getStatus: 'get',
  patch: 'patch',
  patchStatus: 'patch',
  put: 'update',
  putStatus: 'update',
  pgList: 'list',
  pgGet: 'get',
};

export interface CciDeps {
  cci: CciService;
  auth: Authenticator;
  log: RequestLog;
  podGroups: PodGroups;
  /** Namespaces where every call answers 403. */
  forbidden: ReadonlySet<string>;
}

function isPodGroupRoute(route: CciRoute): route is Extract<CciRoute, { kind: 'pgList' | 'pgGet' | 'pg-collection-other' | 'pg-item-other' }> {
  return route.kind.startsWith('pg');
}

/** Answers a PodGroup route (read-only: Volcano's controller owns PodGroups). */
function handlePodGroups(ex: Exchange, route: Extract<CciRoute, { namespace: string }>, deps: CciDeps): void {
  const name = 'name' in route ? route.name : undefined;
  const verb = VERB[route.kind] ?? ex.method.toLowerCase();
  if (deps.forbidden.has(route.namespace)) throw forbiddenNamespace(route.namespace, verb, name, PODGROUPS_CRD.plural, PODGROUPS_CRD.group);
  if (deps.podGroups.forbidden) throw forbiddenByRbac(ex.rec.user ?? 'emulator-user', verb, PODGROUPS_CRD.plural, PODGROUPS_CRD.group, route.namespace, name);
  if (route.kind !== 'pgGet' && route.kind !== 'pgList') throw methodNotAllowed();
  const form = negotiate(headerString(ex.req.headers.accept), true);
  const obj = route.kind === 'pgGet' ? deps.podGroups.get(route.namespace, route.name) : deps.podGroups.list(route.namespace, ex.query);
  if (form.kind === 'table') {
    answer(ex, 200, form.contentType, JSON.stringify(toTable(PODGROUPS_CRD, obj, form.version, includeObjectOf(ex.query))) + '\n');
    return;
  }
  answer(ex, 200, 'application/json', JSON.stringify(obj) + '\n');
}

export function cciService(deps: CciDeps): Service {
  return {
    name: 'cci',
    owns: () => true,
    logsBodies: true,
    count(method, path) {
      const kind = classifyCci(method, path).kind;
      deps.log.countCci(kind in COUNTER ? COUNTER[kind as keyof typeof COUNTER] : undefined);
    },
    handle(ex: Exchange) {
      const route = classifyCci(ex.method, ex.path);
      // /version is public (system:public-info-viewer); everything else needs a credential.
      if (ex.path !== '/version') deps.auth.authenticate(ex.req, ex.rawUrl, ex.body, ex.rec);
      if (route.kind === 'unknown' && isDiscoveryPath(ex.path)) {
        if (ex.method !== 'GET') throw methodNotAllowed();
        const doc = discoveryDocument(ex.path, headerString(ex.req.headers.host) ?? '127.0.0.1');
        if (doc === undefined) throw genericNotFound();
        answer(ex, 200, 'application/json', JSON.stringify(doc) + '\n');
        return;
      }
      if (route.kind === 'unknown') throw genericNotFound();
      if (isPodGroupRoute(route)) return handlePodGroups(ex, route, deps);
      const printable = route.kind === 'get' || route.kind === 'list';
      const form = negotiate(headerString(ex.req.headers.accept), printable);
      if (deps.forbidden.has(route.namespace)) {
        throw forbiddenNamespace(route.namespace, VERB[route.kind] ?? ex.method.toLowerCase(), 'name' in route ? route.name : undefined);
      }
      const raw = ex.body.toString('utf8');
      const ct = ex.contentType || undefined;
      let a;
      switch (route.kind) {
        case 'list':
          a = deps.cci.list(route.namespace, ex.query);
          break;
        case 'create':
          a = deps.cci.create(route.namespace, ex.query, ct, raw);
          break;
        case 'get':
        case 'getStatus':
          a = deps.cci.get(route.namespace, route.name);
          break;
        case 'patch':
          a = deps.cci.patch(route.namespace, route.name, ex.query, ct, raw);
          break;
        case 'patchStatus':
          a = deps.cci.patch(route.namespace, route.name, ex.query, ct, raw, 'status');
          break;
        case 'put':
          a = deps.cci.update(route.namespace, route.name, ex.query, ct, raw);
          break;
        case 'putStatus':
          a = deps.cci.update(route.namespace, route.name, ex.query, ct, raw, 'status');
          break;
        case 'collection-patch':
          throw badRequest('name must be provided');
        default:
          throw methodNotAllowed();
      }
      if (form.kind === 'table') {
        const table = toTable(JOBS_CRD, JSON.parse(a.body) as Record<string, unknown>, form.version, includeObjectOf(ex.query));
        answer(ex, a.status, form.contentType, JSON.stringify(table) + '\n');
        return;
      }
      answer(ex, a.status, 'application/json', a.body, a.headers ?? {});
    },
  };
}
