/**
 * Huawei SMN (`SWEEP_EVENTS_SMN_TOPIC_URN`, `urn:smn:<region>:<project_id>:<topic>`): one
 * `POST /v2/{project_id}/notifications/topics/{topic_urn}/publish` with `{subject, message}` per
 * notification, authenticated like the CCI calls (the same credentials port: X-Auth-Token, or AK/SK
 * signing), through the project's bounded HTTP exchange. 429, 5xx, time-outs and network errors are
 * retried with `BACKOFF.notify`; a 401 after a cached token retries once with a fresh one. There is
 * no SMN SDK on npm; `SMN_ENDPOINT` overrides `https://smn.<region>.myhuaweicloud.com`.
 */
import { mapLimited } from '../core/concurrency';
import type { Deadline } from '../core/deadline';
import { AppError } from '../core/errors';
import type { CciAuth } from '../credentials';
import { authorizedExchange } from '../credentials/authorized-exchange';
import { describeFailure, isTransientStatus, parseUpstreamFailure, retryTransient, transientFailure, transientOf } from '../upstream/failure';
import { BACKOFF, onError } from '../upstream/retry';
import { NOTIFY_CONCURRENCY, type Notification, type Notifier, type NotifyResult } from './port';

/** SMN's topic URN: region, project id, topic name (letters, digits, `-`, `_`; up to 255). */
const TOPIC_URN = /^urn:smn:([a-z0-9-]{1,64}):([A-Za-z0-9]{1,64}):([A-Za-z0-9][A-Za-z0-9_-]{0,254})$/;

export interface SmnTopic {
  urn: string;
  region: string;
  projectId: string;
}

export function parseTopicUrn(urn: string): SmnTopic {
  const m = TOPIC_URN.exec(urn.trim());
  if (!m) {
    throw new AppError(500, 'config', `SWEEP_EVENTS_SMN_TOPIC_URN must be an SMN topic URN (urn:smn:<region>:<project_id>:<topic>), got "${urn}"`, { retryable: false });
  }
  return { urn: m[0], region: m[1]!, projectId: m[2]! };
}

export interface SmnOptions {
  topicUrn: string;
  auth: CciAuth;
  /** SMN_ENDPOINT; default `https://smn.<region>.myhuaweicloud.com`. */
  endpoint?: string;
  userAgent?: string;
}

export function smnNotifier(opts: SmnOptions): Notifier {
  const topic = parseTopicUrn(opts.topicUrn);
  const base = (opts.endpoint ?? `https://smn.${topic.region}.myhuaweicloud.com`).replace(/\/+$/, '');
  // The URN's colons are legal in a path and signed as the server canonicalises them (%3A).
  const url = `${base}/v2/${topic.projectId}/notifications/topics/${topic.urn}/publish`;
  const headers = { accept: 'application/json', 'content-type': 'application/json;charset=utf8', 'user-agent': opts.userAgent ?? 'volcano-job-functions/0.1' };

  async function publishOne(n: Notification, deadline: Deadline): Promise<void> {
    const body = JSON.stringify({ subject: n.subject, message: n.message });
    const send = authorizedExchange(opts.auth, { method: 'POST', url, headers, body }, deadline);
    await onError(
      BACKOFF.notify,
      deadline,
      retryTransient,
      async ({ timeoutMs }) => {
        const result = await send(timeoutMs);
        if (result.kind !== 'response') throw transientOf(result, timeoutMs);
        if (result.status >= 200 && result.status < 300) return;
        const failure = parseUpstreamFailure(result.status, result.headers, result.text);
        if (isTransientStatus(result.status)) throw transientFailure(failure);
        throw new Error(`SMN answered ${describeFailure(failure)}`);
      },
      ({ last }) => last ?? new Error('not sent: no time left before the deadline'),
    );
  }

  return {
    channel: 'smn',
    async publish(notifications: readonly Notification[], deadline: Deadline): Promise<NotifyResult> {
      const out: NotifyResult = { sent: 0, failed: [] };
      await mapLimited(notifications, NOTIFY_CONCURRENCY, async (n, index) => {
        try {
          await publishOne(n, deadline);
          out.sent++;
        } catch (err) {
          out.failed.push({ index, reason: err instanceof Error ? err.message : 'publish failed' });
        }
      });
      return out;
    },
  };
}
