/**
 * One exchange authenticated by a credential, as every caller of a Huawei or Kubernetes API needs
 * it (the CCI client, SMN): the request is authorized (headers added or signed) just before it is
 * sent, and when the server answers 401 to a cached token that could be dropped, the exchange is
 * made once more with a fresh one. That repeat happens at most once per call and is not an attempt
 * of the caller's retry loop, so the returned function keeps its state across attempts.
 */
import type { Deadline } from '../core/deadline';
import { exchange, type UpstreamRequest, type UpstreamResult } from '../upstream/exchange';
import type { CciAuth } from './port';

export function authorizedExchange(auth: CciAuth, req: Omit<UpstreamRequest, 'timeoutMs'>, deadline: Deadline): (timeoutMs: number) => Promise<UpstreamResult> {
  let refreshed = false;
  // Objects built field by field, not spread: a spread per request got its objects promoted to
  // the old generation (measured in the sweep's 40,000 writes; see upstream/exchange targetOf).
  // One async function per attempt: each layer of them is a few hundred bytes per request.
  const signable = { method: req.method, url: req.url, headers: req.headers, body: req.body };
  const request = (headers: Record<string, string>, timeoutMs: number): UpstreamRequest => ({
    method: req.method,
    url: req.url,
    headers,
    body: req.body,
    timeoutMs,
    tls: req.tls,
    reuseBody: req.reuseBody,
    maxBodyBytes: req.maxBodyBytes,
  });
  return async (timeoutMs) => {
    const headers = await auth.authorize(signable, deadline);
    const result = await exchange(request(headers, timeoutMs));
    if (result.kind !== 'response' || result.status !== 401 || refreshed || !auth.unauthorized(headers)) return result;
    refreshed = true;
    return exchange(request(await auth.authorize(signable, deadline), Math.min(timeoutMs, deadline.remaining())));
  };
}
