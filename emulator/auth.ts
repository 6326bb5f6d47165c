/**
 * Who is calling CCI: AK/SK signatures (`SDK-HMAC-SHA256`, checked by aksk-verify.ts), IAM tokens
 * minted by the emulator's TokenAuthority, and static tokens, sent as `X-Auth-Token` (CCI) or
 * `Authorization: Bearer` (Kubernetes clients), plus bearer-only tokens and, over HTTPS, client
 * certificates signed by the emulator's client CA. Refusals are the answers CCI's gateway
 * and apiserver give (APIGW JSON for signature and expiry problems, 401 Status otherwise).
 */
import type http from 'node:http';
import { verifyAkSk } from './aksk-verify';
import { headerString } from './http';
import type { TokenAuthority } from './iam';
import { HttpError, unauthorized } from './k8s-status';
import { peerCertificate } from './tls';
import type { RequestRecord } from './types';

export interface AkSkKey {
  secretKey: string;
  securityToken?: string;
}

export interface AuthConfig {
  authority: TokenAuthority;
  staticTokens: ReadonlySet<string>;
  /** Tokens accepted only as `Authorization: Bearer` (service-account style, for `KUBE_TOKEN`). */
  bearerTokens: ReadonlySet<string>;
  akSk: ReadonlyMap<string, AkSkKey>;
}

export class Authenticator {
  constructor(private readonly cfg: AuthConfig) {}

  /** Sets `rec.auth`; throws the HTTP refusal when the request is not authenticated. */
  authenticate(req: http.IncomingMessage, rawUrl: string, body: Buffer, rec: RequestRecord): void {
    // kube-apiserver's union authenticator tries x509 first: a trusted client certificate wins.
    const peer = peerCertificate(req);
    if (peer.state === 'valid') {
      rec.auth = 'cert';
      rec.user = peer.user;
      return;
    }
    const authz = headerString(req.headers['authorization']);
    if (authz && /^SDK-HMAC-SHA256\s/i.test(authz)) {
      const result = verifyAkSk({ method: req.method ?? 'GET', rawUrl, headers: req.headers, body }, (ak) => this.cfg.akSk.get(ak));
      if (!result.ok) {
        rec.auth = 'none';
        throw new HttpError(401, JSON.stringify({ error_msg: `Incorrect IAM authentication information: ${result.message}`, error_code: 'APIGW.0301' }));
      }
      rec.auth = 'aksk';
      return;
    }
    // Kubernetes clients (kubectl, client-go, client-node) send the same tokens as a bearer token.
    const bearer = authz ? /^Bearer\s+(\S+)\s*$/i.exec(authz)?.[1] : undefined;
    const token = headerString(req.headers['x-auth-token']) || bearer;
    if (!token) {
      rec.auth = 'none';
      throw unauthorized();
    }
    if (this.cfg.staticTokens.has(token)) {
      rec.auth = 'static';
      return;
    }
    if (bearer === token && this.cfg.bearerTokens.has(token)) {
      rec.auth = 'bearer';
      return;
    }
    const check = this.cfg.authority.check(token);
    if (check === 'ok') {
      rec.auth = 'token';
      return;
    }
    rec.auth = 'none';
    if (check === 'expired') throw new HttpError(401, JSON.stringify({ error_code: 'APIGW.0307', error_msg: 'The token must be updated.' }));
    throw unauthorized();
  }
}
