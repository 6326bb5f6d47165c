/**
 * Shared types of the local IAM + CCI (Volcano Job) emulator, in one place so the modules and the
 * public entry point (index.ts re-exports them) agree on one definition.
 */
import type { PodGroupCondition, PodGroupStatusOverride } from './podgroups';
import type { SmnMessage } from './smn';

export type { PodGroupCondition, PodGroupStatusOverride } from './podgroups';
export type { SmnMessage } from './smn';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface JobMetadata {
  name: string;
  namespace?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
  creationTimestamp?: string;
  generation?: number;
  selfLink?: string;
  [key: string]: unknown;
}

export interface JobTask {
  name: string;
  replicas?: number;
  minAvailable?: number;
  template?: Record<string, unknown>;
  policies?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

export interface JobSpec {
  minAvailable?: number;
  queue?: string;
  schedulerName?: string;
  priorityClassName?: string;
  plugins?: Record<string, string[]>;
  tasks: JobTask[];
  [key: string]: unknown;
}

export interface JobStatus {
  state?: { phase?: string; reason?: string; message?: string; lastTransitionTime?: string };
  minAvailable?: number;
  pending?: number;
  running?: number;
  succeeded?: number;
  failed?: number;
  [key: string]: unknown;
}

export interface Job {
  apiVersion: string;
  kind: string;
  metadata: JobMetadata;
  spec: JobSpec;
  status?: JobStatus;
  [key: string]: unknown;
}

export type FaultShape = 'status' | 'text' | 'gateway' | 'iam';

export type FaultAction =
  | {
      type: 'status';
      status: number;
      /** 'status' = Kubernetes Status JSON (default for CCI), 'text' = text/plain, 'gateway' = APIGW JSON, 'iam' = Keystone error JSON (default for IAM). */
      shape?: FaultShape;
      /** Retry-After header, seconds. */
      retryAfter?: number;
      /** Status details.retryAfterSeconds. */
      retryAfterSeconds?: number;
      /** Raw body override. */
      body?: string;
      /** Message override for the generated body. */
      message?: string;
    }
  | { type: 'delay'; ms: number }
  | { type: 'hang' }
  | { type: 'reset' }
  | { type: 'garbage'; status?: number; kind?: 'html' | 'json' };

export interface FaultRule {
  /** Default 'cci'. SMN faults default to the gateway shape. */
  service?: 'iam' | 'cci' | 'smn' | 'any';
  method?: string;
  path?: string | RegExp;
  times?: number;
  action: FaultAction;
}

export interface EmulatorStats {
  iamTokenRequests: number;
  /** `POST .../publish` requests to the SMN fake (accepted or not). */
  smnPublishRequests: number;
  /** `podGroups`: PodGroup reads (get and list); `total` counts every Kubernetes API request. */
  cci: { get: number; list: number; patch: number; patchStatus: number; create: number; podGroups: number; total: number };
}

export interface RequestRecord {
  service: 'iam' | 'cci' | 'smn';
  method: string;
  path: string;
  /** Raw query string without the leading '?', '' when none. */
  query: string;
  contentType: string;
  /** HTTP status answered; 0 when the request was hung or reset by a fault, or is still in flight. */
  status: number;
  /**
   * How the CCI request authenticated: 'token' (IAM/minted), 'static', 'aksk', 'bearer' (a bearer-only
   * token), 'cert' (TLS client certificate), or 'none'.
   */
  auth?: 'token' | 'static' | 'aksk' | 'bearer' | 'cert' | 'none';
  /** The client certificate's CN, when auth is 'cert'. */
  user?: string;
  /** CCI request body (PATCH/POST), cut at 4096 characters. Never recorded for IAM. */
  body?: string;
  /** Fault action type applied, if any. */
  fault?: FaultAction['type'];
  time: string;
}

export interface BulkJobOptions {
  prefix?: string;
  phase?: string;
  lastTransitionTime?: string;
  labels?: Record<string, string>;
}

/** What `startEmulator` gives a test: its address and the levers behind the control interface. */
export interface Emulator {
  url: string;
  /** The HTTPS base URL when the emulator serves HTTPS (`tls`, or `tlsPort` beside plain HTTP). */
  tlsUrl?: string;
  port: number;
  close(): Promise<void>;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  stats(): EmulatorStats;
  resetStats(): void;
  revokeTokens(): void;
  expireTokens(): void;
  mintToken(): string;
  putJob(namespace: string, job: Job): Job;
  createJobs(namespace: string, count: number, opts?: BulkJobOptions): void;
  getJob(namespace: string, name: string): Job | undefined;
  setPhase(namespace: string, name: string, phase: string, lastTransitionTime?: string): void;
  forbidNamespace(namespace: string): void;
  expireContinueTokens(): void;
  requests(): RequestRecord[];
  /** The name of the job's PodGroup (`<job>-<uid>`, or the job's name when set legacy); undefined without the job. */
  podGroupName(namespace: string, jobName: string): string | undefined;
  /** The job's PodGroup as `GET .../podgroups/{name}` answers it; undefined when it has none. */
  getPodGroup(namespace: string, jobName: string): Record<string, unknown> | undefined;
  /** Overrides the job's PodGroup: `phase`, `conditions` (replace the derived ones), `legacyName`, `absent` (404). */
  setPodGroupStatus(namespace: string, jobName: string, status: PodGroupStatusOverride): void;
  /** Shorthand for `setPodGroupStatus(namespace, jobName, { conditions })`. */
  setPodGroupConditions(namespace: string, jobName: string, conditions: PodGroupCondition[]): void;
  /** Every PodGroup read answers the RBAC 403 (`forbidPodGroups(false)` lifts it). */
  forbidPodGroups(forbidden?: boolean): void;
  /** Messages published to the SMN fake, oldest first. */
  smnMessages(): SmnMessage[];
  clearSmnMessages(): void;
  /** PEM of the CA that signed the server certificate (only with `tls`): what clients must trust. */
  caCert: string | undefined;
  /** A fixture client certificate and key: `valid` (CN `emulator-user`), `expired`, or `unknown-ca`. */
  clientCert(kind: 'valid' | 'expired' | 'unknown-ca'): { cert: string; key: string };
}
