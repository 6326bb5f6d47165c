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
  const send = async (timeoutMs: number) => {
    const headers = await auth.authorize({ method: req.method, url: req.url, headers: req.headers, body: req.body }, deadline);
    const result = await exchange({ method: req.method, url: req.url, headers, body: req.body, timeoutMs, tls: req.tls, reuseBody: req.reuseBody, maxBodyBytes: req.maxBodyBytes });
    return { headers, result };
  };
  return async (timeoutMs) => {
    let { headers, result } = await send(timeoutMs);
    if (result.kind === 'response' && result.status === 401 && !refreshed && auth.unauthorized(headers)) {
      refreshed = true;
      ({ result } = await send(Math.min(timeoutMs, deadline.remaining())));
    }
    return result;
  };
}
