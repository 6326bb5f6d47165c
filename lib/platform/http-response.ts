/**
 * The HTTP answer both platforms take: AWS HTTP API (payload 2.0) and FunctionGraph APIG accept
 * `{statusCode, headers, body, isBase64Encoded}` with a string body. Built only here.
 */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

export function httpResponse(statusCode: number, headers: Record<string, string>, body: string): HttpResponse {
  return { statusCode, headers, body, isBase64Encoded: false };
}
