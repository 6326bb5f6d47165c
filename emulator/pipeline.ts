/**
 * The order every emulated request goes through, whatever the service: control interface first
 * (never faulted, never logged), then request log and counters, body, fault rules, the 413 limit,
 * and finally the owning service's handler, whose thrown HttpErrors become the answer.
 */
import type http from 'node:http';
import { applyFault, type FaultBook, type FaultService } from './faults';
import { headerString, MAX_BODY_BYTES, readBody, send, sendError, splitTarget } from './http';
import { statusError } from './k8s-status';
import { MAX_LOGGED_BODY, type RequestLog } from './request-log';
import type { RequestRecord } from './types';

export interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  method: string;
  /** Path + optional `?` + raw query, as received. */
  rawUrl: string;
  path: string;
  rawQuery: string;
  query: URLSearchParams;
  contentType: string;
  body: Buffer;
  rec: RequestRecord;
}

export interface Service {
  name: FaultService;
  owns(path: string): boolean;
  /** Counts the request in the stats (before faults, so faulted requests count too). */
  count(method: string, path: string): void;
  /** Whether request bodies of writes are kept in the request log. */
  logsBodies: boolean;
  handle(ex: Exchange): void | Promise<void>;
}

export interface PipelineConfig {
  /** Checked in order; the first that owns the path handles it. */
  services: Service[];
  control(method: string, path: string, body: Buffer, res: http.ServerResponse): void;
  faults: FaultBook;
  log: RequestLog;
  logEnabled: boolean;
}

const WRITE_METHODS = new Set(['PATCH', 'POST', 'PUT']);

export function pipeline(cfg: PipelineConfig): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const { path, rawQuery, query } = splitTarget(rawUrl);

    if (path.startsWith('/_emulator/') || path === '/_emulator') {
      const body = await readBody(req);
      cfg.control(method, path, body === 'too-large' ? Buffer.alloc(0) : body, res);
      return;
    }

    const service = cfg.services.find((s) => s.owns(path));
    if (!service) throw new Error(`no service owns ${path}`);
    const contentType = headerString(req.headers['content-type']) ?? '';
    const rec: RequestRecord = { service: service.name, method, path, query: rawQuery, contentType, status: 0, time: new Date(started).toISOString() };
    cfg.log.record(rec);
    if (cfg.logEnabled) {
      res.on('finish', () =>
        process.stderr.write(`[emulator] ${service.name} ${method} ${path}${rawQuery ? '?' + rawQuery : ''} -> ${rec.status} ${Date.now() - started}ms\n`),
      );
      res.on('close', () => {
        if (!res.writableFinished) process.stderr.write(`[emulator] ${service.name} ${method} ${path} -> (no answer${rec.fault ? ', fault ' + rec.fault : ''})\n`);
      });
    }
    service.count(method, path);

    const bodyOrTooLarge = await readBody(req);
    const body = bodyOrTooLarge === 'too-large' ? Buffer.alloc(0) : bodyOrTooLarge;
    if (service.logsBodies && body.length > 0 && WRITE_METHODS.has(method)) {
      const text = body.toString('utf8');
      rec.body = text.length > MAX_LOGGED_BODY ? text.slice(0, MAX_LOGGED_BODY) : text;
    }

    const fault = cfg.faults.take(service.name, method, path);
    if (fault && (await applyFault(fault, service.name, req, res, rec)) === 'answered') return;

    if (bodyOrTooLarge === 'too-large') {
      sendError(res, rec, statusError(413, `Request entity too large: limit is ${MAX_BODY_BYTES}`, 'RequestEntityTooLarge'), cfg.logEnabled);
      return;
    }
    try {
      await service.handle({ req, res, method, rawUrl, path, rawQuery, query, contentType, body, rec });
    } catch (e) {
      sendError(res, rec, e, cfg.logEnabled);
    }
  }
  return (req, res) => {
    handle(req, res).catch((e: unknown) => sendError(res, undefined, e, cfg.logEnabled));
  };
}

/** Writes a service's answer and records its status. */
export function answer(ex: Exchange, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  send(ex.res, ex.rec, status, contentType, body, headers);
}
