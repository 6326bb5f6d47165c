/**
 * What a feature may know about the invocation it runs in, free of any platform shape: its
 * request id, its deadline, its configuration, and (on FunctionGraph) the credentials the context
 * hands over. lib/platform builds it from an AWS or FunctionGraph context; nothing below it sees
 * a raw context.
 */
import type { EnvLookup } from './config';
import type { Deadline } from './deadline';

/** Credentials a platform context provides. Read on every invocation: they rotate. */
export interface ContextCredentials {
  /** Temporary AK/SK (FunctionGraph `getSecurityAccessKey/SecretKey/Token`). */
  accessKey?: string;
  secretKey?: string;
  securityToken?: string;
  projectId?: string;
  /** An agency token (FunctionGraph `getToken()`), scoped to the function's region. */
  agencyToken?: string;
}

export interface Runtime {
  requestId: string;
  deadline: Deadline;
  env: EnvLookup;
  /** The context's credentials as of this invocation; absent where the platform gives none. */
  contextCredentials?: ContextCredentials;
}
