/**
 * The port every credential kind implements: how a request to the Volcano Job API is
 * authenticated, and what to do when the server answers 401. The CCI client sees only this.
 */
import type { Deadline } from '../core/deadline';

export interface SignableRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export type CredentialKind = 'aksk' | 'static-token' | 'iam-token' | 'agency-token';

export interface CciAuth {
  /** Describes the credential kind for logs (never the credential). */
  readonly kind: CredentialKind;
  /**
   * Identifies the credential for client and token caches: a hash of everything that makes it
   * what it is, so a changed token, secret key or security token gets its own entry. Never the
   * secret itself.
   */
  readonly fingerprint: string;
  /** Headers to send (the full signed header set for AK/SK). */
  authorize(req: SignableRequest, deadline: Deadline): Promise<Record<string, string>>;
  /**
   * Called after the server answered 401 to a request made with `headers`. Returns true when a
   * retry with fresh credentials may succeed (a cached token was dropped).
   */
  unauthorized(headers: Record<string, string>): boolean;
}
