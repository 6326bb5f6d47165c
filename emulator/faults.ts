/**
 * Fault injection: the rules tests add (`addFault`, `POST /_emulator/faults`) and the answers they
 * produce: Kubernetes Status, apiserver text, APIG gateway or Keystone shaped errors, hangs, resets,
 * garbage and delays. Rules are checked before authentication, so a fault hits even a bad caller.
 */
import http from 'node:http';
import { MESSAGE_BY_CODE, REASON_BY_CODE, statusBody } from './k8s-status';
import { send } from './http';
import type { FaultAction, FaultRule, RequestRecord } from './types';

export type FaultService = 'iam' | 'cci' | 'smn';

interface ActiveRule {
  service: FaultService | 'any';
  method?: string;
  path?: string | RegExp;
  remaining: number;
  action: FaultAction;
}

/** `times` as given over the API or HTTP: undefined → 1; null, "Infinity", negative → forever. */
export function normaliseTimes(t: unknown): number {
  if (t === undefined) return 1;
  if (t === null || t === 'Infinity' || t === 'infinity' || t === 'inf' || t === Infinity) return Infinity;
  if (typeof t === 'number' && t < 0) return Infinity;
  if (typeof t !== 'number' || !Number.isFinite(t)) return 1;
  return Math.floor(t);
}

export function validAction(a: unknown): a is FaultAction {
  if (typeof a !== 'object' || a === null) return false;
  const t = (a as { type?: unknown }).type;
  if (t === 'status') return typeof (a as { status?: unknown }).status === 'number';
  if (t === 'delay') return typeof (a as { ms?: unknown }).ms === 'number';
  return t === 'hang' || t === 'reset' || t === 'garbage';
}

export class FaultBook {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    if (!validAction(rule.action)) throw new Error('invalid fault action');
    const active: ActiveRule = { service: rule.service ?? 'cci', remaining: normaliseTimes(rule.times), action: { ...rule.action } };
    if (rule.method) active.method = rule.method.toUpperCase();
    if (rule.path !== undefined) active.path = rule.path;
    if (active.remaining > 0) this.rules.push(active);
  }

  clear(): void {
    this.rules = [];
  }

  get size(): number {
    return this.rules.length;
  }

  /** The rules as JSON can carry them (RegExp as `{regex}`, Infinity as "Infinity"). */
  describe(): unknown[] {
    return this.rules.map((f) => ({
      ...f,
      path: f.path instanceof RegExp ? { regex: f.path.source } : f.path,
      remaining: Number.isFinite(f.remaining) ? f.remaining : 'Infinity',
    }));
  }

  /** First matching rule's action, consuming one of its `times`. */
  take(service: FaultService, method: string, path: string): FaultAction | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      const f = this.rules[i]!;
      if (f.service !== 'any' && f.service !== service) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.path !== undefined) {
        if (typeof f.path === 'string') {
          if (path !== f.path && !path.endsWith(f.path)) continue;
        } else {
          f.path.lastIndex = 0;
          if (!f.path.test(path)) continue;
        }
      }
      f.remaining -= 1;
      if (f.remaining <= 0) this.rules.splice(i, 1);
      return f.action;
    }
    return undefined;
  }
}

function gatewayBody(status: number, message?: string): string {
  let code: string;
  let msg: string;
  switch (status) {
    case 429:
      code = 'APIGW.0308';
      msg = 'The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 second';
      break;
    case 401:
      code = 'APIGW.0301';
      msg = 'Incorrect IAM authentication information: decrypt token fail';
      break;
    case 403:
      code = 'APIGW.0302';
      msg = 'The IAM user is not authorized to access the API.';
      break;
    case 404:
      code = 'APIGW.0101';
      msg = 'The API does not exist or has not been published in the environment.';
      break;
    case 504:
      code = 'APIGW.0203';
      msg = 'Backend timeout.';
      break;
    default:
      code = status >= 500 ? 'APIGW.0201' : 'APIGW.0106';
      msg = status >= 500 ? 'Backend unavailable.' : 'Orchestration error.';
  }
  return JSON.stringify({ error_msg: message ?? msg, error_code: code });
}

const IAM_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface FaultAnswer {
  status: number;
  contentType: string;
  body: string;
  headers: Record<string, string>;
}

export function faultAnswer(action: Extract<FaultAction, { type: 'status' }>, service: FaultService): FaultAnswer {
  const status = action.status;
  const headers: Record<string, string> = {};
  if (action.retryAfter !== undefined) headers['Retry-After'] = String(action.retryAfter);
  else if (action.retryAfterSeconds !== undefined && action.retryAfterSeconds > 0) headers['Retry-After'] = String(action.retryAfterSeconds);
  if (action.body !== undefined) {
    let ct = 'text/plain; charset=utf-8';
    try {
      JSON.parse(action.body);
      ct = 'application/json';
    } catch {
      /* text */
    }
    return { status, contentType: ct, body: action.body, headers };
  }
  const shape = action.shape ?? (service === 'iam' ? 'iam' : service === 'smn' ? 'gateway' : 'status');
  switch (shape) {
    case 'text': {
      const text = status === 429 ? 'Too many requests, please try again later.' : (action.message ?? (http.STATUS_CODES[status] ?? 'Error'));
      return { status, contentType: 'text/plain; charset=utf-8', body: text + '\n', headers };
    }
    case 'gateway':
      return { status, contentType: 'application/json', body: gatewayBody(status, action.message), headers };
    case 'iam': {
      const message =
        action.message ??
        (status === 429 ? 'The throttling threshold has been reached. Threshold: 10 times per 1 seconds' : (http.STATUS_CODES[status] ?? 'Error'));
      return {
        status,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: status, message, title: IAM_TITLES[status] ?? http.STATUS_CODES[status] ?? 'Error' } }),
        headers,
      };
    }
    default: {
      const details = action.retryAfterSeconds !== undefined ? { retryAfterSeconds: action.retryAfterSeconds } : status >= 500 || status === 429 ? {} : undefined;
      const body = statusBody(status, action.message ?? MESSAGE_BY_CODE[status] ?? (http.STATUS_CODES[status] ?? 'error'), REASON_BY_CODE[status], details);
      return { status, contentType: 'application/json', body: JSON.stringify(body) + '\n', headers };
    }
  }
}

/**
 * Carries out a fault. 'answered' when the request is done with (answered, hung, reset);
 * 'continue' after a delay, when the request goes on to its handler.
 */
export async function applyFault(
  fault: FaultAction,
  service: FaultService,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  rec: RequestRecord,
): Promise<'answered' | 'continue'> {
  rec.fault = fault.type;
  switch (fault.type) {
    case 'status': {
      const a = faultAnswer(fault, service);
      send(res, rec, a.status, a.contentType, a.body, a.headers);
      return 'answered';
    }
    case 'hang':
      // Never answer: the socket stays open until the client gives up or close() ends it.
      return 'answered';
    case 'reset': {
      const sock = req.socket as typeof req.socket & { resetAndDestroy?: () => void };
      if (typeof sock.resetAndDestroy === 'function') sock.resetAndDestroy();
      else sock.destroy();
      return 'answered';
    }
    case 'garbage': {
      const status = fault.status ?? 200;
      if (fault.kind === 'json') send(res, rec, status, 'application/json', '{"result":"ok","message":"accepted"}\n');
      else send(res, rec, status, 'text/html', '<html>gateway</html>');
      return 'answered';
    }
    case 'delay':
      await new Promise((r) => setTimeout(r, fault.ms));
      return res.destroyed ? 'answered' : 'continue';
  }
}
