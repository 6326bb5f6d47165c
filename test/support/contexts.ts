/** Platform context objects as AWS Lambda and FunctionGraph hand them to handlers. */
import { randomUUID } from 'node:crypto';

export function lambdaContext(remainingMs = 15_000): Record<string, unknown> {
  const end = Date.now() + remainingMs;
  return {
    awsRequestId: randomUUID(),
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
}

export function functionGraphContext(o: FgContextOptions = {}): Record<string, unknown> {
  const end = Date.now() + (o.remainingMs ?? 15_000);
  const id = randomUUID();
  return {
    getRequestID: () => id,
    getRemainingTimeInMilliSeconds: () => Math.max(0, end - Date.now()),
    getUserData: (key: string) => o.userData?.[key],
    getToken: () => o.token ?? '',
    getSecurityAccessKey: () => o.securityAccessKey ?? '',
    getSecuritySecretKey: () => o.securitySecretKey ?? '',
    getSecurityToken: () => o.securityToken ?? '',
    getFunctionName: () => 'test-fn',
    getLogger: () => ({ info: () => undefined }),
  };
}
