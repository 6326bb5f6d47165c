/**
 * One view of the platform context, AWS Lambda's or FunctionGraph's, as the `Runtime` that
 * everything below lib/platform takes. The FunctionGraph credential getters are called here, once
 * per invocation, so a warm instance always uses the credentials of the current context.
 */
import { Deadline } from '../core/deadline';
import type { ContextCredentials, Runtime } from '../core/runtime';
import { envLookup } from './env';

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
}

export interface LambdaContextLike {
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

export type Invocation = Runtime;

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

/** A getter's value; a missing getter, a throw, `''` or `null` all mean "not given". */
function callContext(fn: (() => string | undefined) | undefined): string | undefined {
  if (!fn) return undefined;
  try {
    const v = fn();
    return v === '' || v === null || v === undefined ? undefined : String(v);
  } catch {
    return undefined;
  }
}

/** The FunctionGraph context's credentials, read now. */
export function functionGraphCredentials(fg: FunctionGraphContext): ContextCredentials {
  const out: ContextCredentials = {};
  const accessKey = callContext(fg.getSecurityAccessKey?.bind(fg));
  const secretKey = callContext(fg.getSecuritySecretKey?.bind(fg));
  const securityToken = callContext(fg.getSecurityToken?.bind(fg));
  const projectId = callContext(fg.getProjectID?.bind(fg));
  const agencyToken = callContext(fg.getToken?.bind(fg));
  if (accessKey) out.accessKey = accessKey;
  if (secretKey) out.secretKey = secretKey;
  if (securityToken) out.securityToken = securityToken;
  if (projectId) out.projectId = projectId;
  if (agencyToken) out.agencyToken = agencyToken;
  return out;
}

let localCounter = 0;

export function invocationFrom(ctx: unknown): Invocation {
  if (isFunctionGraphContext(ctx)) {
    const fg = ctx;
    const remaining = Number(fg.getRemainingTimeInMilliSeconds());
    return {
      requestId: String(fg.getRequestID() ?? ''),
      deadline: Deadline.fromRemaining(Number.isFinite(remaining) && remaining > 0 ? remaining : DEFAULT_BUDGET_MS),
      env: envLookup((key) => {
        try {
          return fg.getUserData(key);
        } catch {
          return undefined;
        }
      }),
      contextCredentials: functionGraphCredentials(fg),
    };
  }
  if (isLambdaContext(ctx)) {
    return {
      requestId: ctx.awsRequestId ?? '',
      deadline: Deadline.fromRemaining(ctx.getRemainingTimeInMillis()),
      env: envLookup(),
    };
  }
  const requestId = (ctx as { awsRequestId?: string } | undefined)?.awsRequestId ?? `local-${++localCounter}`;
  return { requestId, deadline: Deadline.fromRemaining(DEFAULT_BUDGET_MS), env: envLookup() };
}
