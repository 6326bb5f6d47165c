/**
 * Huawei IAM password authentication: a project-scoped token from
 * `POST {IAM_ENDPOINT}/v3/auth/tokens?nocatalog=true` (201, token in `X-Subject-Token`,
 * expiry in `token.expires_at`, UTC with microseconds).
 */
import { createHash } from 'node:crypto';
import { AppError } from '../core/errors';
import type { Deadline } from '../core/deadline';
import { tryParseJson } from '../core/json';
import { exchange } from '../upstream/exchange';
import { describeFailure, isTransientStatus, parseUpstreamFailure, retryTransient, stopReason, transientFailure, transientOf } from '../upstream/failure';
import { BACKOFF, onError } from '../upstream/retry';
import type { IssuedToken, TokenSource } from './token-cache';

export interface IamPasswordCredentials {
  domain: string;
  user: string;
  password: string;
  project: string;
}

export const DEFAULT_IAM_ENDPOINT = 'https://iam.myhuaweicloud.com';
/** Tokens live 24 h; used when an answer lacks `expires_at`. */
const DEFAULT_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Parses `2020-01-04T09:05:22.701000Z` (microseconds) and plain ISO dates. */
export function parseExpiresAt(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const normalised = value.replace(/(\.\d{3})\d+/, '$1');
  const t = Date.parse(normalised);
  return Number.isNaN(t) ? undefined : t;
}

export function iamTokenKey(endpoint: string, c: IamPasswordCredentials): string {
  // The password's hash is part of the identity so a rotated password gets a fresh token.
  const pw = createHash('sha256').update(c.password).digest('hex').slice(0, 16);
  return `iam:${endpoint}|${c.domain}|${c.user}|${c.project}|${pw}`;
}

export async function requestProjectToken(
  endpoint: string,
  c: IamPasswordCredentials,
  deadline: Deadline,
): Promise<IssuedToken> {
  const url = `${endpoint.replace(/\/+$/, '')}/v3/auth/tokens?nocatalog=true`;
  const body = JSON.stringify({
    auth: {
      identity: { methods: ['password'], password: { user: { name: c.user, password: c.password, domain: { name: c.domain } } } },
      scope: { project: { name: c.project } },
    },
  });
  const who = `user "${c.user}" of domain "${c.domain}" for project "${c.project}"`;
  return onError(
    BACKOFF.iam,
    deadline,
    retryTransient,
    async ({ timeoutMs }): Promise<IssuedToken> => {
      const result = await exchange({ method: 'POST', url, headers: { 'content-type': 'application/json;charset=utf8' }, body, timeoutMs });
      if (result.kind !== 'response') throw transientOf(result, timeoutMs);
      if (result.status === 201 || result.status === 200) {
        const token = result.headers.get('x-subject-token');
        if (!token) throw new AppError(502, 'iam-bad-answer', `IAM answered ${result.status} without an X-Subject-Token header`);
        const answer = tryParseJson(result.text) as { token?: { expires_at?: unknown } } | null | undefined;
        const expiresAt = parseExpiresAt(answer?.token?.expires_at);
        return { token, expiresAt: expiresAt ?? Date.now() + DEFAULT_LIFETIME_MS };
      }
      const failure = parseUpstreamFailure(result.status, result.headers, result.text);
      if (!isTransientStatus(result.status)) {
        throw new AppError(502, 'iam-refused', `IAM refused to issue a token to ${who}: ${describeFailure(failure)}`, { retryable: true });
      }
      throw transientFailure(failure);
    },
    (stop) => {
      const why = stopReason(stop);
      return why.timedOut
        ? new AppError(504, 'iam-timeout', `IAM did not issue a token within the deadline (${why.problem})`)
        : new AppError(503, 'iam-unavailable', `IAM kept failing to issue a token: ${why.problem}`, { retryAfterSeconds: 5 });
    },
  );
}

export function iamPasswordSource(endpoint: string, c: IamPasswordCredentials): TokenSource {
  return { key: iamTokenKey(endpoint, c), fetch: (deadline) => requestProjectToken(endpoint, c, deadline) };
}
