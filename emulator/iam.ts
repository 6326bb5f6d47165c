/**
 * Emulated Huawei IAM: `POST /v3/auth/tokens` with password credentials, and the token authority
 * CCI checks tokens against. Tokens are self-verifying (an HMAC'd header + ~9 KB of random base64,
 * like real PKCS#7 tokens in size), so the emulator keeps no per-token state.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export type TokenCheck = 'ok' | 'invalid' | 'revoked' | 'expired';

const HEADER_BYTES = 33; // 1 version + 8 id + 8 expiry(ms) + 16 mac → 44 base64 chars, no padding
const HEADER_CHARS = 44;
const FILLER_BYTES = 6780; // → 9040 base64 chars; total token ≈ 9087 chars

export class TokenAuthority {
  private readonly key = randomBytes(32);
  private nextId = 1;
  private revokedBelow = 0;
  private expiredBelow = 0;

  issue(ttlSeconds: number, now = Date.now()): { token: string; issuedAt: number; expiresAt: number } {
    const id = this.nextId++;
    const expiresAt = now + ttlSeconds * 1000;
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt8(1, 0);
    header.writeBigUInt64BE(BigInt(id), 1);
    header.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(expiresAt))), 9);
    createHmac('sha256', this.key).update(header.subarray(0, 17)).digest().copy(header, 17, 0, 16);
    const token = 'MII' + header.toString('base64') + randomBytes(FILLER_BYTES).toString('base64');
    return { token, issuedAt: now, expiresAt };
  }

  check(token: string, now = Date.now()): TokenCheck {
    if (token.length < 3 + HEADER_CHARS || !token.startsWith('MII')) return 'invalid';
    const header = Buffer.from(token.slice(3, 3 + HEADER_CHARS), 'base64');
    if (header.length !== HEADER_BYTES || header.readUInt8(0) !== 1) return 'invalid';
    const mac = createHmac('sha256', this.key).update(header.subarray(0, 17)).digest().subarray(0, 16);
    if (!mac.equals(header.subarray(17, 33))) return 'invalid';
    const id = Number(header.readBigUInt64BE(1));
    const exp = Number(header.readBigUInt64BE(9));
    if (id < this.revokedBelow) return 'revoked';
    if (id < this.expiredBelow || now >= exp) return 'expired';
    return 'ok';
  }

  revokeAll(): void {
    this.revokedBelow = this.nextId;
  }

  expireAll(): void {
    this.expiredBelow = this.nextId;
  }
}

export interface IamUser {
  domain: string;
  user: string;
  password: string;
}

export interface IamAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

function hexId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** `2026-11-23T09:05:22.701000Z`: UTC with microseconds. */
export function iamTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function iamError(code: number, message: string, title: string): IamAnswer {
  return { status: code, body: JSON.stringify({ error: { code, message, title } }), headers: {} };
}

const BAD_BODY = (): IamAnswer => iamError(400, 'The request body is invalid', 'Bad Request');

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export interface IamConfig {
  users: IamUser[];
  projects: string[];
  tokenTtlSeconds: number;
  authority: TokenAuthority;
  /** Base URL of the emulator, for the catalog. */
  url: () => string;
}

/** Handles `POST /v3/auth/tokens`. */
export function issueTokenRequest(cfg: IamConfig, rawBody: string, query: URLSearchParams): IamAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    return BAD_BODY();
  }
  const auth = obj(obj(parsed)?.['auth']);
  const identity = obj(auth?.['identity']);
  const methods = identity?.['methods'];
  if (!auth || !identity || !Array.isArray(methods) || !methods.every((m) => typeof m === 'string')) return BAD_BODY();
  if (!methods.includes('password')) {
    return iamError(401, 'The request you have made requires authentication.', 'Unauthorized');
  }
  const user = obj(obj(identity['password'])?.['user']);
  const name = user?.['name'];
  const password = user?.['password'];
  const domainName = obj(user?.['domain'])?.['name'];
  if (typeof name !== 'string' || typeof password !== 'string' || typeof domainName !== 'string' || !name || !domainName) return BAD_BODY();
  const scope = auth['scope'];
  if (scope !== undefined && !obj(scope)) return BAD_BODY();
  const projectScope = obj(obj(scope)?.['project']);
  const domainScope = obj(obj(scope)?.['domain']);

  const match = cfg.users.find((u) => u.domain === domainName && u.user === name && u.password === password);
  if (!match) return iamError(401, 'The username or password is wrong.', 'Unauthorized');

  const domain = { id: hexId('domain', match.domain), name: match.domain };
  let project: { domain: typeof domain; id: string; name: string } | undefined;
  if (projectScope) {
    const pname = projectScope['name'];
    const pid = projectScope['id'];
    let found: string | undefined;
    if (typeof pname === 'string') found = cfg.projects.find((p) => p === pname);
    else if (typeof pid === 'string') found = cfg.projects.find((p) => hexId('project', match.domain, p) === pid);
    else return BAD_BODY();
    if (!found) {
      const what = typeof pname === 'string' ? `name ${JSON.stringify(pname)}` : `id ${JSON.stringify(pid)}`;
      return iamError(401, `The project ${what} does not exist in this domain (emulator accepts: ${cfg.projects.join(', ')}).`, 'Unauthorized');
    }
    project = { domain, id: hexId('project', match.domain, found), name: found };
  } else if (domainScope) {
    const dn = domainScope['name'];
    const di = domainScope['id'];
    if ((typeof dn === 'string' && dn !== match.domain) || (typeof di === 'string' && di !== domain.id))
      return iamError(401, 'The domain in the scope does not match the user.', 'Unauthorized');
  }

  const issued = cfg.authority.issue(cfg.tokenTtlSeconds);
  const token: Record<string, unknown> = {};
  const nocatalog = query.get('nocatalog');
  token['catalog'] =
    nocatalog !== null && nocatalog !== ''
      ? []
      : [
          {
            endpoints: [
              {
                id: hexId('endpoint', 'cci', project?.name ?? ''),
                interface: 'public',
                region: project?.name ?? '*',
                region_id: project?.name ?? '*',
                url: cfg.url(),
              },
            ],
            id: hexId('service', 'cci'),
            name: 'cci',
            type: 'cci',
          },
        ];
  if (!project) token['domain'] = domain;
  token['expires_at'] = iamTime(issued.expiresAt);
  token['issued_at'] = iamTime(issued.issuedAt);
  token['methods'] = ['password'];
  if (project) token['project'] = project;
  token['roles'] = [{ id: '0', name: 'te_admin' }];
  token['user'] = { domain, id: hexId('user', match.domain, match.user), name: match.user, password_expires_at: '' };
  return { status: 201, body: JSON.stringify({ token }), headers: { 'X-Subject-Token': issued.token } };
}

/** Whether a path belongs to IAM (`/v3/...`). */
export function isIamPath(path: string): boolean {
  return path.startsWith('/v3/') || path === '/v3';
}

/** The whole IAM HTTP surface: `POST /v3/auth/tokens`; Keystone 404/405 for anything else. */
export function iamRequest(
  cfg: IamConfig,
  method: string,
  path: string,
  rawBody: string,
  query: URLSearchParams,
): IamAnswer & { contentType: string } {
  const json = 'application/json';
  if (path !== '/v3/auth/tokens') return { ...iamError(404, 'The resource could not be found.', 'Not Found'), contentType: json };
  if (method !== 'POST') return { ...iamError(405, 'The method is not allowed for the requested URL.', 'Method Not Allowed'), contentType: json };
  return { ...issueTokenRequest(cfg, rawBody, query), contentType: 'application/json;charset=UTF-8' };
}
