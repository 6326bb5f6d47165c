/**
 * HTTP plumbing shared by every emulated service: reading a bounded body, splitting the request
 * target, and writing an answer (recording its status in the request log entry). Kept apart so the
 * services deal in answers and errors, never in node's response object details.
 */
import type http from 'node:http';
import { HttpError, statusBody } from './k8s-status';
import type { RequestRecord } from './types';

/** Bodies above this answer 413 (after faults, so a fault still wins). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export type BodyOrTooLarge = Buffer | 'too-large';

export function readBody(req: http.IncomingMessage, max = MAX_BODY_BYTES): Promise<BodyOrTooLarge> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export interface RequestTarget {
  path: string;
  /** Raw query string without the leading '?', '' when none. */
  rawQuery: string;
  query: URLSearchParams;
}

export function splitTarget(rawUrl: string): RequestTarget {
  const qi = rawUrl.indexOf('?');
  const path = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
  const rawQuery = qi < 0 ? '' : rawUrl.slice(qi + 1);
  return { path, rawQuery, query: new URLSearchParams(rawQuery) };
}

export function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export function send(
  res: http.ServerResponse,
  rec: RequestRecord | undefined,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (rec) rec.status = status;
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Writes a thrown HttpError as is; anything else is the apiserver's 500 InternalError Status. */
export function sendError(res: http.ServerResponse, rec: RequestRecord | undefined, e: unknown, log: boolean): void {
  if (e instanceof HttpError) {
    send(res, rec, e.status, e.contentType, e.body, e.headers);
    return;
  }
  if (log) process.stderr.write(`[emulator] internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  const body = statusBody(500, 'Internal error occurred: emulator failure', 'InternalError', {});
  send(res, rec, 500, 'application/json', JSON.stringify(body) + '\n');
}

/** JSON answer of the control interface (not a Kubernetes shape: plain `{error}` or data). */
export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
