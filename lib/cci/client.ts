/**
 * Client for the Volcano Job API of CCI (the same paths as any Kubernetes API server with Volcano).
 * Each call is bounded by the invocation's deadline; 429, 5xx and network errors are retried with
 * exponential backoff and jitter (honouring Retry-After and `details.retryAfterSeconds`); a 401
 * drops the cached token and retries once; every failure becomes an AppError from the status table.
 */
import { AppError } from '../core/errors';
import type { Deadline } from '../core/deadline';
import { tryParseJson } from '../core/json';
import type { CciAuth } from '../credentials';
import { authorizedExchange } from '../credentials/authorized-exchange';
import { parseJob, parseJobList, type VolcanoJob, type VolcanoJobList } from '../job/model';
import { parsePodGroup, PODGROUP_API, type PodGroup } from '../job/podgroup';
import type { TlsSettings, UpstreamResponse } from '../upstream/exchange';
import { describeFailure, isTransientStatus, parseUpstreamFailure, retryTransient, stopReason, transientFailure, transientOf, type UpstreamFailure } from '../upstream/failure';
import { BACKOFF, onError, type Backoff } from '../upstream/retry';
import type { DiscardAnswer, JobApi, ListOptions, PatchContentType, PatchOptions } from './port';

export { PATCH_TYPES, type PatchContentType } from './port';

export interface CciClientOptions {
  endpoint: string;
  auth: CciAuth;
  /** CA, client certificate and server name for an https:// endpoint (default: the system trust store). */
  tls?: TlsSettings;
  /** Attempts, waits and per-attempt bound for retryable failures (429, 5xx, network); default `BACKOFF.upstream`. */
  backoff?: Backoff;
  userAgent?: string;
  /** Largest answer read (default upstream/exchange MAX_BODY_BYTES): a longer one is the 502 `cci-answer-too-large`. */
  maxBodyBytes?: number;
}

interface Call {
  method: 'GET' | 'PATCH';
  path: string;
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
  /** What the call is about, for error messages: `job "ns/name"`. */
  subject: string;
}

const API = 'batch.volcano.sh/v1alpha1';

export class CciClient implements JobApi {
  private readonly endpoint: string;
  private readonly auth: CciAuth;
  private readonly tls: TlsSettings | undefined;
  private readonly backoff: Backoff;
  private readonly userAgent: string;
  private readonly maxBodyBytes: number | undefined;

  constructor(opts: CciClientOptions) {
    this.endpoint = opts.endpoint.replace(/\/+$/, '');
    this.auth = opts.auth;
    this.tls = opts.tls;
    this.backoff = opts.backoff ?? BACKOFF.upstream;
    this.userAgent = opts.userAgent ?? 'volcano-job-functions/0.1';
    this.maxBodyBytes = opts.maxBodyBytes;
  }

  getJob(namespace: string, name: string, deadline: Deadline): Promise<VolcanoJob> {
    return this.read({ method: 'GET', path: jobPath(namespace, name), subject: `job "${namespace}/${name}"` }, deadline, parseJob, 'a Job');
  }

  patchJob(namespace: string, name: string, contentType: PatchContentType, patch: string, opts: PatchOptions & DiscardAnswer, deadline: Deadline): Promise<VolcanoJob | undefined>;
  patchJob(namespace: string, name: string, contentType: PatchContentType, patch: string, opts: PatchOptions & { discardAnswer?: false }, deadline: Deadline): Promise<VolcanoJob>;
  async patchJob(
    namespace: string,
    name: string,
    contentType: PatchContentType,
    patch: string,
    opts: PatchOptions & { discardAnswer?: boolean },
    deadline: Deadline,
  ): Promise<VolcanoJob | undefined> {
    const call: Call = {
      method: 'PATCH',
      path: jobPath(namespace, name),
      query: { dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager },
      body: patch,
      contentType,
      subject: `job "${namespace}/${name}"`,
    };
    // A write whose job is not read: its answer is neither parsed nor checked.
    if (opts.discardAnswer) return void (await this.call(call, deadline));
    return this.read(call, deadline, parseJob, 'a Job');
  }

  listJobs(namespace: string, opts: ListOptions, deadline: Deadline): Promise<VolcanoJobList> {
    return this.read(listCall(namespace, opts), deadline, parseJobList, 'a JobList');
  }

  async readJobList<T>(namespace: string, opts: ListOptions, deadline: Deadline, read: (body: Buffer) => T | undefined): Promise<T> {
    const call = listCall(namespace, opts);
    // Read through at once: the bytes go to a reused buffer (upstream/exchange BODY_POOL).
    const answer = await this.call(call, deadline, true);
    let value: T | undefined;
    try {
      value = read(answer.body);
    } finally {
      answer.release();
    }
    if (value === undefined) throw badAnswer(call, 'a JobList');
    return value;
  }

  getPodGroup(namespace: string, name: string, deadline: Deadline): Promise<PodGroup> {
    const path = namespacedPath(PODGROUP_API, namespace, `podgroups/${encodeURIComponent(name)}`);
    return this.read({ method: 'GET', path, subject: `podgroup "${namespace}/${name}"` }, deadline, parsePodGroup, 'a PodGroup');
  }

  /** One call whose answer must be what `parse` accepts (502 otherwise: a proxy's page, a Status). */
  private async read<T>(call: Call, deadline: Deadline, parse: (value: unknown) => T | undefined, what: string): Promise<T> {
    const value = parse(tryParseJson((await this.call(call, deadline)).text));
    if (!value) throw badAnswer(call, what);
    return value;
  }

  private async call(call: Call, deadline: Deadline, reuseBody?: boolean): Promise<UpstreamResponse> {
    let url = this.endpoint + call.path;
    const q = call.query ? queryString(call.query) : '';
    if (q) url += `?${q}`;
    const baseHeaders: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent };
    if (call.contentType) baseHeaders['content-type'] = call.contentType;

    const send = authorizedExchange(this.auth, { method: call.method, url, headers: baseHeaders, body: call.body, tls: this.tls, reuseBody, maxBodyBytes: this.maxBodyBytes }, deadline);
    return onError(
      this.backoff,
      deadline,
      retryTransient,
      async ({ timeoutMs }) => {
        const result = await send(timeoutMs);
        if (result.kind === 'too-large') {
          throw new AppError(502, 'cci-answer-too-large', `CCI's answer for ${call.subject} is larger than ${result.limitBytes} bytes and was not read`, { retryable: false });
        }
        if (result.kind !== 'response') throw transientOf(result, timeoutMs);
        if (result.status >= 200 && result.status < 300) return result;
        const failure = parseUpstreamFailure(result.status, result.headers, result.text);
        if (result.status === 401) {
          throw new AppError(502, 'cci-credentials-refused', `CCI refused our credentials (${this.auth.kind}) for ${call.subject}: ${describeFailure(failure)}${this.auth.refused ?? ''}`, {
            retryable: true,
          });
        }
        if (!isTransientStatus(result.status)) throw mapFailure(failure, call);
        throw transientFailure(failure);
      },
      (stop) => {
        const why = stopReason(stop);
        return why.timedOut
          ? new AppError(504, 'cci-timeout', `CCI did not answer for ${call.subject} within the deadline (${why.problem})`)
          : new AppError(503, 'cci-unavailable', `CCI kept failing for ${call.subject} through every retry; last: ${why.problem}`, {
              retryAfterSeconds: Math.max(1, Math.ceil(why.retryAfterSeconds ?? 5)),
            });
      },
    );
  }
}

/** What form encoding (URLSearchParams) leaves as it is. */
const FORM_PLAIN = /^[\w*.-]*$/;

/**
 * The query as URLSearchParams writes it, parameters without a value left out. Names and values
 * that need no encoding (every one a sweep's write sends) are joined as they are: a URLSearchParams
 * per request was a few hundred bytes of garbage for each of a fleet's writes.
 */
export function queryString(query: Readonly<Record<string, string | undefined>>): string {
  let q = '';
  for (const k in query) {
    const v = query[k];
    if (v === undefined) continue;
    if (!FORM_PLAIN.test(k) || !FORM_PLAIN.test(v)) return formEncoded(query);
    q += q ? `&${k}=${v}` : `${k}=${v}`;
  }
  return q;
}

function formEncoded(query: Readonly<Record<string, string | undefined>>): string {
  const qs = new URLSearchParams();
  for (const k in query) if (query[k] !== undefined) qs.append(k, query[k]!);
  return qs.toString();
}

/** Known not to be what was asked for: asking again gets the same answer, so a queue message is not retried for it. */
const badAnswer = (call: Call, what: string) =>
  new AppError(502, 'cci-bad-answer', `CCI answered for ${call.subject} with something that is not ${what}`, { retryable: false });

function listCall(namespace: string, opts: ListOptions): Call {
  return {
    method: 'GET',
    path: namespacedPath(API, namespace, 'jobs'),
    query: { labelSelector: opts.labelSelector, limit: opts.limit?.toString(), continue: opts.continue },
    subject: `jobs of namespace "${namespace}"`,
  };
}

const namespacedPath = (api: string, namespace: string, rest: string) => `/apis/${api}/namespaces/${encodeURIComponent(namespace)}/${rest}`;

export function jobPath(namespace: string, name: string): string {
  return namespacedPath(API, namespace, `jobs/${encodeURIComponent(name)}`);
}

function mapFailure(f: UpstreamFailure, call: Call): AppError {
  const detail = `CCI answered ${describeFailure(f)} for ${call.subject}`;
  const errors = f.causes?.map((c) => ({ path: c.field, message: c.message }));
  // An admission webhook's denial is "impossible" whatever code it chose: Volcano's is 400 (a Status with
  // only a message), policy webhooks such as Gatekeeper answer 403, which is not about our credentials.
  switch (f.status === 403 && f.message.startsWith('admission webhook "') ? 422 : f.status) {
    case 404:
      // A job call names its job ("No such job "ns/name""); a list keeps CCI's own message.
      return new AppError(404, 'job-not-found', call.subject.startsWith('job ') ? `No such ${call.subject}` : detail, { retryable: false });
    case 409:
      return new AppError(409, 'conflict', `The job changed while it was being patched: ${detail}`, { retryable: true });
    case 410:
      return new AppError(410, 'continue-expired', detail, { retryable: true });
    case 413:
      return new AppError(413, 'too-large', detail, { retryable: false });
    case 400:
    case 422:
      // Volcano's webhook answers 400 for patches it will not apply, the apiserver's own checks 422: both
      // mean "impossible". A list's 400 (a continue token or selector CCI will not take) says what was asked.
      return new AppError(422, 'cci-rejected', `CCI refused ${call.method === 'PATCH' ? 'the change' : `the request for ${call.subject}`}: ${describeFailure(f)}`, {
        retryable: false,
        ...(errors && errors.length > 0 ? { errors } : {}),
      });
    case 403:
      return new AppError(502, 'cci-forbidden', `CCI refused our credentials access: ${detail}`, { retryable: true });
    default:
      return new AppError(502, 'cci-unexpected', detail, { retryable: true });
  }
}
