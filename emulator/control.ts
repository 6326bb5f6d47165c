/**
 * The control interface (`/_emulator/...`) other processes use to steer a running emulator
 * (`npm start`, the bench, the e2e test): a table of {method, pattern, handler} over the same levers
 * the in-process `Emulator` object offers. Answers are plain JSON, never faulted, never logged.
 */
import type http from 'node:http';
import { normaliseTimes, validAction } from './faults';
import { sendJson } from './http';
import type { BulkJobOptions, Emulator, FaultRule, Job, PodGroupCondition, PodGroupStatusOverride, RequestRecord } from './types';

type Input = Record<string, unknown>;

export interface ControlReply {
  status: number;
  body: unknown;
}

export interface ControlRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Anchored pattern on the path without trailing slashes; groups are URI-decoded into `params`. */
  pattern: RegExp;
  handler(params: string[], input: Input): ControlReply;
}

export interface ControlDeps {
  api: Emulator;
  describeFaults(): unknown[];
  faultCount(): number;
  liveRequests(): readonly RequestRecord[];
  jobCount(namespace: string): number;
}

const OK: ControlReply = { status: 200, body: { ok: true } };
const reply = (status: number, body: unknown): ControlReply => ({ status, body });
const bad = (error: string): ControlReply => reply(400, { error });

function faultPath(pv: unknown): string | RegExp | undefined | ControlReply {
  if (typeof pv === 'string') return pv;
  if (pv && typeof pv === 'object' && typeof (pv as { regex?: unknown }).regex === 'string') {
    const flags = (pv as { flags?: unknown }).flags;
    return new RegExp((pv as { regex: string }).regex, typeof flags === 'string' ? flags : undefined);
  }
  if (pv !== undefined && pv !== null) return bad('path must be a string or {"regex": "..."}');
  return undefined;
}

export function controlRoutes(d: ControlDeps): ControlRoute[] {
  const { api } = d;
  return [
    {
      method: 'POST',
      pattern: /^\/_emulator\/faults$/,
      handler: (_p, input) => {
        const rule = input as unknown as FaultRule;
        const path = faultPath(input['path']);
        if (path !== undefined && !(typeof path === 'string' || path instanceof RegExp)) return path;
        if (!validAction(rule.action)) return bad('action must be one of status|delay|hang|reset|garbage with its fields');
        api.addFault({ service: rule.service, method: rule.method, path, times: normaliseTimes(input['times']), action: rule.action });
        return reply(200, { ok: true, faults: d.faultCount() });
      },
    },
    { method: 'DELETE', pattern: /^\/_emulator\/faults$/, handler: () => (api.clearFaults(), OK) },
    { method: 'GET', pattern: /^\/_emulator\/faults$/, handler: () => reply(200, d.describeFaults()) },
    { method: 'GET', pattern: /^\/_emulator\/stats$/, handler: () => reply(200, api.stats()) },
    { method: 'POST', pattern: /^\/_emulator\/reset-stats$/, handler: () => (api.resetStats(), OK) },
    { method: 'POST', pattern: /^\/_emulator\/tokens\/revoke$/, handler: () => (api.revokeTokens(), OK) },
    { method: 'POST', pattern: /^\/_emulator\/tokens\/expire$/, handler: () => (api.expireTokens(), OK) },
    { method: 'POST', pattern: /^\/_emulator\/tokens\/mint$/, handler: () => reply(200, { token: api.mintToken() }) },
    { method: 'POST', pattern: /^\/_emulator\/continue\/expire$/, handler: () => (api.expireContinueTokens(), OK) },
    { method: 'GET', pattern: /^\/_emulator\/requests$/, handler: () => reply(200, d.liveRequests()) },
    { method: 'GET', pattern: /^\/_emulator\/smn\/messages$/, handler: () => reply(200, api.smnMessages()) },
    { method: 'DELETE', pattern: /^\/_emulator\/smn\/messages$/, handler: () => (api.clearSmnMessages(), OK) },
    {
      method: 'POST',
      pattern: /^\/_emulator\/jobs\/bulk$/,
      handler: (_p, input) => {
        const ns = input['namespace'];
        const count = input['count'];
        if (typeof ns !== 'string' || typeof count !== 'number' || count < 0) return bad('namespace (string) and count (number) are required');
        const o: BulkJobOptions = {};
        if (typeof input['prefix'] === 'string') o.prefix = input['prefix'];
        if (typeof input['phase'] === 'string') o.phase = input['phase'];
        if (typeof input['lastTransitionTime'] === 'string') o.lastTransitionTime = input['lastTransitionTime'];
        if (input['labels'] && typeof input['labels'] === 'object') o.labels = input['labels'] as Record<string, string>;
        api.createJobs(ns, count, o);
        return reply(200, { ok: true, namespace: ns, total: d.jobCount(ns) });
      },
    },
    { method: 'POST', pattern: /^\/_emulator\/namespaces\/([^/]+)\/forbid$/, handler: ([ns]) => (api.forbidNamespace(ns!), OK) },
    {
      method: 'POST',
      pattern: /^\/_emulator\/jobs\/([^/]+)\/([^/]+)\/phase$/,
      handler: ([ns, name], input) => {
        const phase = input['phase'];
        if (typeof phase !== 'string') return bad('phase (string) is required');
        if (!api.getJob(ns!, name!)) return reply(404, { error: `job ${ns}/${name} not found` });
        api.setPhase(ns!, name!, phase, typeof input['lastTransitionTime'] === 'string' ? input['lastTransitionTime'] : undefined);
        return reply(200, api.getJob(ns!, name!));
      },
    },
    {
      method: 'POST',
      pattern: /^\/_emulator\/podgroups\/forbid$/,
      handler: (_p, input) => (api.forbidPodGroups(input['forbidden'] !== false), OK),
    },
    {
      method: 'GET',
      pattern: /^\/_emulator\/podgroups\/([^/]+)\/([^/]+)$/,
      handler: ([ns, job]) => {
        const pg = api.getPodGroup(ns!, job!);
        return pg ? reply(200, pg) : reply(404, { error: `no PodGroup for job ${ns}/${job}` });
      },
    },
    {
      method: 'POST',
      pattern: /^\/_emulator\/podgroups\/([^/]+)\/([^/]+)\/status$/,
      handler: ([ns, job], input) => {
        const o: PodGroupStatusOverride = {};
        if (typeof input['phase'] === 'string') o.phase = input['phase'];
        if (Array.isArray(input['conditions'])) o.conditions = input['conditions'] as PodGroupCondition[];
        if (typeof input['legacyName'] === 'boolean') o.legacyName = input['legacyName'];
        if (typeof input['absent'] === 'boolean') o.absent = input['absent'];
        if (!api.getJob(ns!, job!)) return reply(404, { error: `job ${ns}/${job} not found` });
        api.setPodGroupStatus(ns!, job!, o);
        return reply(200, api.getPodGroup(ns!, job!) ?? { absent: true });
      },
    },
    {
      method: 'GET',
      pattern: /^\/_emulator\/jobs\/([^/]+)\/([^/]+)$/,
      handler: ([ns, name]) => {
        const job = api.getJob(ns!, name!);
        return job ? reply(200, job) : reply(404, { error: 'not found' });
      },
    },
    {
      method: 'PUT',
      pattern: /^\/_emulator\/jobs\/([^/]+)\/([^/]+)$/,
      handler: ([ns, name], input) => {
        const job = input as unknown as Job;
        if (!job.metadata || typeof job.metadata !== 'object') return bad('a Job with metadata is required');
        job.metadata.name = name!;
        return reply(200, api.putJob(ns!, job));
      },
    },
  ];
}

/** Parses the JSON body, finds the route and answers; handler errors are 400 `{error}`. */
export function handleControl(routes: readonly ControlRoute[], method: string, path: string, body: Buffer, res: http.ServerResponse): void {
  let input: Input = {};
  if (body.length > 0) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return sendJson(res, 400, { error: 'body must be a JSON object' });
      input = parsed as Input;
    } catch {
      return sendJson(res, 400, { error: 'body is not JSON' });
    }
  }
  const p = path.replace(/\/+$/, '');
  try {
    for (const route of routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(p);
      if (!m) continue;
      const r = route.handler(m.slice(1).map((g) => decodeURIComponent(g)), input);
      return sendJson(res, r.status, r.body);
    }
    return sendJson(res, 404, { error: `unknown control endpoint ${method} ${p}` });
  } catch (e) {
    return sendJson(res, 400, { error: e instanceof Error ? e.message : String(e) });
  }
}
