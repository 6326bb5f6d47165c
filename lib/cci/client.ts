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
import { parseJob, parseJobList, type VolcanoJob, type VolcanoJobList } from '../job/model';
import { exchange, type TlsSettings } from '../upstream/exchange';
import { describeFailure, isTransientStatus, parseUpstreamFailure, retryTransient, stopReason, transientFailure, transientOf, type UpstreamFailure } from '../upstream/failure';
import { BACKOFF, onError, type Backoff } from '../upstream/retry';
import type { JobApi, ListOptions, PatchContentType, PatchOptions } from './port';

export { PATCH_TYPES, type PatchContentType } from './port';

export interface CciClientOptions {
  endpoint: string;
  auth: CciAuth;
  /** CA, client certificate and server name for an https:// endpoint (default: the system trust store). */
  tls?: TlsSettings;
  /** Attempts, waits and per-attempt bound for retryable failures (429, 5xx, network); default `BACKOFF.upstream`. */
  backoff?: Backoff;
  userAgent?: string;
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

const API_PREFIX = '/apis/batch.volcano.sh/v1alpha1/namespaces';

export class CciClient implements JobApi {
  private readonly endpoint: string;
  private readonly auth: CciAuth;
  private readonly tls: TlsSettings | undefined;
  private readonly backoff: Backoff;
  private readonly userAgent: string;

  constructor(opts: CciClientOptions) {
    this.endpoint = opts.endpoint.replace(/\/+$/, '');
    this.auth = opts.auth;
    this.tls = opts.tls;
    this.backoff = opts.backoff ?? BACKOFF.upstream;
    this.userAgent = opts.userAgent ?? 'volcano-job-functions/0.1';
  }

  async getJob(namespace: string, name: string, deadline: Deadline): Promise<VolcanoJob> {
    const text = await this.call(
      { method: 'GET', path: jobPath(namespace, name), subject: `job "${namespace}/${name}"` },
      deadline,
    );
    return this.asJob(text, namespace, name);
  }

  async patchJob(
    namespace: string,
    name: string,
    contentType: PatchContentType,
    patch: string,
    opts: PatchOptions,
    deadline: Deadline,
  ): Promise<VolcanoJob> {
    const text = await this.call(
      {
        method: 'PATCH',
        path: jobPath(namespace, name),
        query: { dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager },
        body: patch,
        contentType,
        subject: `job "${namespace}/${name}"`,
      },
      deadline,
    );
    return this.asJob(text, namespace, name);
  }

  async listJobs(namespace: string, opts: ListOptions, deadline: Deadline): Promise<VolcanoJobList> {
    const text = await this.call(
      {
        method: 'GET',
        path: `${API_PREFIX}/${encodeURIComponent(namespace)}/jobs`,
        query: {
          labelSelector: opts.labelSelector,
          limit: opts.limit === undefined ? undefined : String(opts.limit),
          continue: opts.continue,
        },
        subject: `jobs of namespace "${namespace}"`,
      },
      deadline,
    );
    const list = parseJobList(tryParseJson(text));
    if (!list) {
      throw new AppError(502, 'cci-bad-answer', `CCI answered the list of namespace "${namespace}" with something that is not a JobList`);
    }
    return list;
  }

  private asJob(text: string, namespace: string, name: string): VolcanoJob {
    const job = parseJob(tryParseJson(text));
    // Known not to be a Job: asking again gets the same answer, so a queue message is not retried for it.
    if (!job) throw new AppError(502, 'cci-bad-answer', `CCI answered for job "${namespace}/${name}" with something that is not a Job`, { retryable: false });
    return job;
  }

  private async call(call: Call, deadline: Deadline): Promise<string> {
    let url = this.endpoint + call.path;
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) qs.append(k, v);
    const q = qs.toString();
    if (q) url += `?${q}`;
    const baseHeaders: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent };
    if (call.contentType) baseHeaders['content-type'] = call.contentType;

    let authRetried = false;
    const send = async (timeoutMs: number) => {
      const headers = await this.auth.authorize({ method: call.method, url, headers: { ...baseHeaders }, body: call.body }, deadline);
      return { headers, result: await exchange({ method: call.method, url, headers, body: call.body, timeoutMs, tls: this.tls }) };
    };
    return onError(
      this.backoff,
      deadline,
      retryTransient,
      async ({ timeoutMs }) => {
        let { headers, result } = await send(timeoutMs);
        if (result.kind === 'response' && result.status === 401 && !authRetried && this.auth.unauthorized(headers)) {
          // A cached token was dropped: one more exchange with a fresh one, not counted as a retry.
          authRetried = true;
          ({ headers, result } = await send(Math.min(timeoutMs, deadline.remaining())));
        }
        if (result.kind !== 'response') throw transientOf(result, timeoutMs);
        if (result.status >= 200 && result.status < 300) return result.text;
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

export function jobPath(namespace: string, name: string): string {
  return `${API_PREFIX}/${encodeURIComponent(namespace)}/jobs/${encodeURIComponent(name)}`;
}

function mapFailure(f: UpstreamFailure, call: Call): AppError {
  const detail = `CCI answered ${describeFailure(f)} for ${call.subject}`;
  const errors = f.causes?.map((c) => ({ path: c.field, message: c.message }));
  switch (f.status) {
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
      // CCI's admission webhook answers 400 for patches it will not apply: both mean "impossible".
      return new AppError(422, 'cci-rejected', `CCI refused the change: ${describeFailure(f)}`, {
        retryable: false,
        ...(errors && errors.length > 0 ? { errors } : {}),
      });
    case 403:
      return new AppError(502, 'cci-forbidden', `CCI refused our credentials access: ${detail}`, { retryable: true });
    default:
      return new AppError(502, 'cci-unexpected', detail, { retryable: true });
  }
}
