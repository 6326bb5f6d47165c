/**
 * Local emulator of Huawei IAM (password tokens), CCI (Volcano Jobs, PodGroups) and SMN (publish), on node:http(s).
 *
 *   const emu = await startEmulator({ port: 0 });
 *   // IAM: POST `${emu.url}/v3/auth/tokens`; CCI: `${emu.url}/apis/batch.volcano.sh/v1alpha1/namespaces/{ns}/jobs...`
 *   await emu.close();
 *
 * This file only wires the modules together (see emulator/README.md for the control interface):
 * pipeline.ts orders each request, cci-routes.ts / iam.ts answer it, faults.ts, request-log.ts,
 * fixtures.ts and control.ts are the levers tests pull.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Authenticator, type AkSkKey } from './auth';
import { CciService } from './cci';
import { cciService } from './cci-routes';
import { controlRoutes, handleControl } from './control';
import { FaultBook } from './faults';
import { Fixtures } from './fixtures';
import { answer, pipeline, type Service } from './pipeline';
import { iamRequest, isIamPath, TokenAuthority, type IamConfig, type IamUser } from './iam';
import { PodGroups } from './podgroups';
import { smnService, SmnTopics } from './smn';
import { RequestLog } from './request-log';
import { JobStore } from './store';
import { clientCertificate, tlsMaterial } from './tls';
import type { Emulator } from './types';

export type {
  BulkJobOptions,
  Emulator,
  EmulatorStats,
  FaultAction,
  FaultRule,
  FaultShape,
  Job,
  JobSpec,
  JobStatus,
  JobTask,
  JobMetadata,
  PodGroupCondition,
  PodGroupStatusOverride,
  RequestRecord,
  SmnMessage,
} from './types';
export { gangUnschedulableMessage } from './podgroups';
export { SEED_JOBS, SEED_NAMESPACE, SEED_JOB_OPENMPI_HELLO_2, SEED_JOB_OPENMPI_HELLO_3 } from './seed-jobs';

export interface EmulatorOptions {
  /** 0 = ephemeral (default 0). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Load the two seed jobs (default true). */
  seed?: boolean;
  users?: Array<{ domain: string; user: string; password: string }>;
  /** Project names IAM accepts in scope.project.name (default ['cn-north-4']). */
  projects?: string[];
  /** Default 86400. */
  tokenTtlSeconds?: number;
  /** Tokens CCI accepts without IAM (default ['local-dev-token']). */
  staticTokens?: string[];
  akSk?: Array<{ accessKey: string; secretKey: string; securityToken?: string }>;
  /** Tokens accepted only as `Authorization: Bearer` (default ['local-kube-token']). */
  bearerTokens?: string[];
  /**
   * Serve HTTPS with the fixture server certificate (127.0.0.1, ::1, localhost; CA in `caCert`), and accept
   * client certificates signed by the fixture client CA (CN = user). Default false (plain HTTP).
   */
  tls?: boolean;
  /**
   * Besides the main listener, also serve HTTPS (fixture certificates, as `tls`) on this port (0 =
   * ephemeral), sharing every job and token: kubectl, like client-go, sends no credentials over
   * plain HTTP, so `npm start` points its kubeconfig here while the functions use `url`.
   */
  tlsPort?: number;
  /** SMN topic URNs that exist (default: every well-formed `urn:smn:<region>:<project>:<name>` of the path's project). */
  smnTopics?: string[];
  /** One line per request (and each SMN message) to stderr (default false). */
  log?: boolean;
}

export const DEFAULT_USERS: ReadonlyArray<IamUser> = [{ domain: 'demo-domain', user: 'demo-user', password: 'demo-password' }];
export const DEFAULT_PROJECTS: readonly string[] = ['cn-north-4'];
export const DEFAULT_STATIC_TOKENS: readonly string[] = ['local-dev-token'];
export const DEFAULT_BEARER_TOKENS: readonly string[] = ['local-kube-token'];
export const DEFAULT_AKSK: ReadonlyArray<{ accessKey: string; secretKey: string; securityToken?: string }> = [
  { accessKey: 'LOCALAK', secretKey: 'localsecretkey' },
];

/** Store's first resourceVersion: above the seeds' (7695210). */
export const START_RESOURCE_VERSION = 7_700_000;

function iamService(cfg: IamConfig, log: RequestLog): Service {
  return {
    name: 'iam',
    owns: isIamPath,
    logsBodies: false,
    count(method, path) {
      if (path === '/v3/auth/tokens' && method === 'POST') log.countIamToken();
    },
    handle(ex) {
      const a = iamRequest(cfg, ex.method, ex.path, ex.body.toString('utf8'), ex.query);
      answer(ex, a.status, a.contentType, a.body, a.headers);
    },
  };
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const tokenTtlSeconds = opts.tokenTtlSeconds ?? 86400;
  const logEnabled = opts.log ?? false;
  const akSk = new Map<string, AkSkKey>(
    (opts.akSk ?? DEFAULT_AKSK).map((k) => [k.accessKey, { secretKey: k.secretKey, securityToken: k.securityToken }]),
  );

  const authority = new TokenAuthority();
  const store = new JobStore(START_RESOURCE_VERSION);
  const cci = new CciService(store);
  const fixtures = new Fixtures(store);
  const podGroups = new PodGroups(store);
  if (opts.seed ?? true) fixtures.seed();
  const faults = new FaultBook();
  const log = new RequestLog();
  const forbidden = new Set<string>();
  const auth = new Authenticator({
    authority,
    staticTokens: new Set(opts.staticTokens ?? DEFAULT_STATIC_TOKENS),
    bearerTokens: new Set(opts.bearerTokens ?? DEFAULT_BEARER_TOKENS),
    akSk,
  });
  let baseUrl = '';
  const iamConfig: IamConfig = {
    users: (opts.users ?? DEFAULT_USERS).map((u) => ({ ...u })),
    projects: [...(opts.projects ?? DEFAULT_PROJECTS)],
    tokenTtlSeconds,
    authority,
    url: () => baseUrl,
  };

  const smn = new SmnTopics(opts.smnTopics ? new Set(opts.smnTopics) : undefined);
  const services: Service[] = [
    iamService(iamConfig, log),
    smnService({ topics: smn, auth, count: () => log.countSmnPublish(), logEnabled }),
    cciService({ cci, auth, log, forbidden, podGroups }),
  ];
  let routes: ReturnType<typeof controlRoutes> = [];
  const onRequest = pipeline({ services, faults, log, logEnabled, control: (method, path, body, res) => handleControl(routes, method, path, body, res) });
  const tls = opts.tls || opts.tlsPort !== undefined ? tlsMaterial() : undefined;
  const httpsServer = () =>
    https.createServer(
      // Client certificates are requested, not required: the authenticator decides (401 Status), as kube-apiserver does.
      { maxHeaderSize: 64 * 1024, key: tls!.server.key, cert: tls!.server.cert, ca: tls!.clientCa, requestCert: true, rejectUnauthorized: false },
      onRequest,
    );
  const server = opts.tls ? httpsServer() : http.createServer({ maxHeaderSize: 64 * 1024 }, onRequest);
  const servers = [server, ...(opts.tlsPort !== undefined && !opts.tls ? [httpsServer()] : [])];

  const host = opts.host ?? '127.0.0.1';
  const ports = opts.tlsPort !== undefined && !opts.tls ? [opts.port ?? 0, opts.tlsPort] : [opts.port ?? 0];
  for (const [i, s] of servers.entries()) {
    s.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(ports[i], host, () => {
        s.off('error', reject);
        resolve();
      });
    });
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  baseUrl = `${opts.tls ? 'https' : 'http'}://${urlHost}:${port}`;
  const tlsUrl = opts.tls ? baseUrl : servers[1] ? `https://${urlHost}:${(servers[1].address() as AddressInfo).port}` : undefined;

  let closed: Promise<void> | undefined;
  const api: Emulator = {
    url: baseUrl,
    ...(tlsUrl ? { tlsUrl } : {}),
    port,
    close() {
      closed ??= Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      ).then(() => undefined);
      return closed;
    },
    addFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    stats: () => log.stats(),
    resetStats: () => log.reset(),
    revokeTokens: () => authority.revokeAll(),
    expireTokens: () => authority.expireAll(),
    mintToken: () => authority.issue(tokenTtlSeconds).token,
    putJob: (namespace, job) => fixtures.putJob(namespace, job),
    createJobs: (namespace, count, o) => fixtures.createJobs(namespace, count, o),
    getJob: (namespace, name) => fixtures.getJob(namespace, name),
    setPhase: (namespace, name, phase, ltt) => fixtures.setPhase(namespace, name, phase, ltt),
    forbidNamespace: (namespace) => void forbidden.add(namespace),
    expireContinueTokens() {
      // Tokens carry the list resourceVersion; every one issued so far is below the new floor.
      store.rv += 1;
      cci.continueMinRv = store.rv;
    },
    requests: () => log.copies(),
    podGroupName: (namespace, jobName) => podGroups.nameFor(namespace, jobName),
    getPodGroup(namespace, jobName) {
      const name = podGroups.nameFor(namespace, jobName);
      if (name === undefined) return undefined;
      try {
        return podGroups.get(namespace, name);
      } catch {
        return undefined;
      }
    },
    setPodGroupStatus: (namespace, jobName, status) => podGroups.setStatus(namespace, jobName, status),
    setPodGroupConditions: (namespace, jobName, conditions) => podGroups.setStatus(namespace, jobName, { conditions }),
    forbidPodGroups(on = true) {
      podGroups.forbidden = on;
    },
    smnMessages: () => smn.list(),
    clearSmnMessages: () => smn.clear(),
    caCert: tls?.serverCa,
    clientCert: (kind) => clientCertificate(kind),
  };
  routes = controlRoutes({
    api,
    describeFaults: () => faults.describe(),
    faultCount: () => faults.size,
    liveRequests: () => log.live(),
    jobCount: (ns) => store.count(ns),
  });
  return api;
}
