/**
 * Platform context objects as AWS Lambda and FunctionGraph hand them to handlers. The
 * FunctionGraph getters read their options when called, so a test may change the options object
 * between invocations (credentials rotate) and see what a warm instance would see.
 */
import { randomUUID } from 'node:crypto';

export function lambdaContext(remainingMs = 15_000, requestId: string = randomUUID()): Record<string, unknown> {
  const end = Date.now() + remainingMs;
  return {
    awsRequestId: requestId,
    functionName: 'test-fn',
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
  };
}

export interface FgContextOptions {
  remainingMs?: number;
  userData?: Record<string, string>;
  token?: string;
  securityAccessKey?: string;
  securitySecretKey?: string;
  securityToken?: string;
  projectId?: string;
  requestId?: string;
}

export function functionGraphContext(o: FgContextOptions = {}): Record<string, unknown> {
  const end = Date.now() + (o.remainingMs ?? 15_000);
  const id = o.requestId ?? randomUUID();
  return {
    getRequestID: () => id,
    getRemainingTimeInMilliSeconds: () => Math.max(0, end - Date.now()),
    getUserData: (key: string) => o.userData?.[key],
    getToken: () => o.token ?? '',
    getSecurityAccessKey: () => o.securityAccessKey ?? '',
    getSecuritySecretKey: () => o.securitySecretKey ?? '',
    getSecurityToken: () => o.securityToken ?? '',
    getProjectID: () => o.projectId ?? '',
    getFunctionName: () => 'test-fn',
    getLogger: () => ({ info: () => undefined }),
  };
}
