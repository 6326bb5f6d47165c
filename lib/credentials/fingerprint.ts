/**
 * Cache identities for credentials: a SHA-256 over every part that identifies one (kind, where it
 * is used, key, secret, security token), cut to 32 hex digits. Two configurations share a cached
 * client or token only when all of those are equal; the secret never appears in the key itself.
 */
import { createHash } from 'node:crypto';

export function fingerprint(kind: string, ...parts: ReadonlyArray<string | undefined>): string {
  const h = createHash('sha256').update(kind);
  // A length prefix per part, so ('ab','c') and ('a','bc') differ.
  for (const p of parts) h.update(`\0${p === undefined ? '-' : `${p.length}:${p}`}`);
  return `${kind}:${h.digest('hex').slice(0, 32)}`;
}
