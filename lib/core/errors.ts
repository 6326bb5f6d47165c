/**
 * Errors that carry their HTTP meaning. Every failure the functions can meet is turned into an
 * AppError before it leaves lib/, so handlers only shape answers (problem+json, queue verdicts).
 */

export interface FieldIssue {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  errors?: FieldIssue[];
  /** Seconds a caller should wait before trying again (sent as Retry-After). */
  retryAfterSeconds?: number;
  /** Whether trying the same request again later may succeed (queue redelivery decisions). */
  retryable?: boolean;
  cause?: unknown;
}


export class AppError extends Error {
  readonly status: number;
  /** Short machine-readable slug, e.g. `job-not-found`; becomes the problem `type`. */
  readonly code: string;
  readonly errors?: FieldIssue[];
  readonly retryAfterSeconds?: number;
  readonly retryable: boolean;

  constructor(status: number, code: string, detail: string, options: AppErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    if (options.errors) this.errors = options.errors;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
    this.retryable = options.retryable ?? (status >= 500 || status === 429);
  }

  /**
   * The status's reason phrase, from node:http's table (required when an error is answered, not at
   * load: no bundle bytes, no cold-start cost), with RFC 9110's name for 422.
   */
  get title(): string {
    return this.status === 422 ? 'Unprocessable Content' : ((require('node:http') as typeof import('node:http')).STATUS_CODES[this.status] ?? 'Error');
  }
}

export const badRequest = (code: string, detail: string, errors?: FieldIssue[]) =>
  new AppError(400, code, detail, errors ? { errors } : {});
export const unauthorized = (detail: string) => new AppError(401, 'unauthorized', detail);
export const forbidden = (code: string, detail: string) => new AppError(403, code, detail);
export const notFound = (code: string, detail: string) => new AppError(404, code, detail);
export const unprocessable = (code: string, detail: string, errors?: FieldIssue[]) =>
  new AppError(422, code, detail, errors ? { errors } : {});

/** Wraps anything thrown into an AppError without leaking its message (it may hold internals). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError(500, 'internal-error', 'An unexpected error occurred; see the function log for the request id.', {
    cause: err,
    retryable: true,
  });
}
