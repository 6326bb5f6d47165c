/**
 * The port every credential kind implements: how a request to the Volcano Job API is
 * authenticated, and what to do when the server answers 401. The CCI client sees only this.
 * Kubernetes credentials may also bring TLS material (a client certificate; from a kubeconfig, the
 * cluster's CA and server name) and the server itself.
 */
import type { Deadline } from '../core/deadline';
import type { TlsSettings } from '../upstream/exchange';

export interface SignableRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export type CredentialKind = 'aksk' | 'static-token' | 'iam-token' | 'agency-token' | 'bearer-token' | 'client-certificate';

/** TLS material without its id (the client setup hashes the final settings). */
export type TlsMaterial = Omit<TlsSettings, 'id'>;

export interface CciAuth {
  /** Describes the credential kind for logs (never the credential). */
  readonly kind: CredentialKind;
  /**
   * Identifies the credential for client and token caches: a hash of everything that makes it
   * what it is, so a changed token, secret key or security token gets its own entry. Never the
   * secret itself.
   */
  readonly fingerprint: string;
  /** Headers to send (the full signed header set for AK/SK), as a new object: `req.headers` is left as it is. */
  authorize(req: SignableRequest, deadline: Deadline): Promise<Record<string, string>>;
  /**
   * Called after the server answered 401 to a request made with `headers`. Returns true when a
   * retry with fresh credentials may succeed (a cached token was dropped).
   */
  unauthorized(headers: Record<string, string>): boolean;
  /** Added to the detail of a 401: what the operator should do about a refused credential. */
  readonly refused?: string;
  /** The client certificate to present, and the CA and server name a kubeconfig gives. */
  readonly tls?: TlsMaterial;
  /** The API server a kubeconfig names, used when CCI_ENDPOINT is unset. */
  readonly server?: string;
}

/**
 * `headers` plus one, as a new object. Copied key by key rather than spread: on the path of every
 * request, a spread's object was promoted to the old generation (see upstream/exchange targetOf).
 */
export function withHeader(headers: Readonly<Record<string, string>> | undefined, name: string, value: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) for (const key of Object.keys(headers)) setHeader(out, key, headers[key]!);
  setHeader(out, name, value);
  return out;
}

/** A header named `__proto__` stays a header, as a spread kept it (an assignment would not). */
function setHeader(out: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
