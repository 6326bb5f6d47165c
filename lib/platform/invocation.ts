/**
 * One view of the platform context: AWS Lambda's or FunctionGraph's. Everything below lib/
 * takes an Invocation, never a raw platform context.
 */
import { Deadline } from '../core/deadline';
import { envLookup, type EnvLookup } from './env';

/** The FunctionGraph context methods we use (Node.js runtimes 8.10+). */
export interface FunctionGraphContext {
  getRequestID(): string;
  getRemainingTimeInMilliSeconds(): number;
  getUserData(key: string): string | undefined;
  getToken?(): string | undefined;
  getSecurityAccessKey?(): string | undefined;
  getSecuritySecretKey?(): string | undefined;
  getSecurityToken?(): string | undefined;
  getProjectID?(): string | undefined;
  getFunctionName?(): string;
}

export interface LambdaContextLike {
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
  functionName?: string;
}

export interface Invocation {
  platform: 'aws' | 'functiongraph' | 'local';
  requestId: string;
  deadline: Deadline;
  env: EnvLookup;
  /** Present on FunctionGraph: the source of agency tokens and temporary keys. */
  functionGraph?: FunctionGraphContext;
}

/** Used when the caller gives no context at all (scripts, `serverless invoke local` without one). */
const DEFAULT_BUDGET_MS = 30_000;

export function isFunctionGraphContext(ctx: unknown): ctx is FunctionGraphContext {
  return (
    typeof ctx === 'object' &&
    ctx !== null &&
    typeof (ctx as FunctionGraphContext).getRemainingTimeInMilliSeconds === 'function' &&
    typeof (ctx as FunctionGraphContext).getRequestID === 'function'
  );
}

function isLambdaContext(ctx: unknown): ctx is LambdaContextLike {
  return typeof ctx === 'object' && ctx !== null && typeof (ctx as LambdaContextLike).getRemainingTimeInMillis === 'function';
}

let localCounter = 0;

export function invocationFrom(ctx: unknown): Invocation {
  if (isFunctionGraphContext(ctx)) {
    const fg = ctx;
    const remaining = Number(fg.getRemainingTimeInMilliSeconds());
    return {
      platform: 'functiongraph',
      requestId: String(fg.getRequestID() ?? ''),
      deadline: Deadline.fromRemaining(Number.isFinite(remaining) && remaining > 0 ? remaining : DEFAULT_BUDGET_MS),
      env: envLookup((key) => {
        try {
          return fg.getUserData(key);
        } catch {
          return undefined;
        }
      }),
      functionGraph: fg,
    };
  }
  if (isLambdaContext(ctx)) {
    return {
      platform: 'aws',
      requestId: ctx.awsRequestId ?? '',
      deadline: Deadline.fromRemaining(ctx.getRemainingTimeInMillis()),
      env: envLookup(),
    };
  }
  const requestId = (ctx as { awsRequestId?: string } | undefined)?.awsRequestId ?? `local-${++localCounter}`;
  return { platform: 'local', requestId, deadline: Deadline.fromRemaining(DEFAULT_BUDGET_MS), env: envLookup() };
}
