/**
 * How a second deploy knows the encrypted variables did not change without reading them back:
 * whether FunctionGraph returns `encrypted_user_data` in clear, masked or not at all is not
 * documented, so the deploy keeps its own fingerprint of them at the end of the function's
 * description, `[secrets <salt>:<hash>]`. The hash is scrypt over the names and values with a
 * random salt kept beside it: it does not depend on who deploys (temporary keys change every
 * session) and, unlike a plain hash, is costly to test guesses of a short password against.
 */
import { randomBytes, scryptSync } from 'node:crypto';

export interface SecretsMarker {
  salt: string;
  hash: string;
}

const MARKER = / ?\[secrets ([0-9a-f]{16}):([0-9a-f]{32})\]$/;
const SCRYPT = { N: 1 << 14, r: 8, p: 1 };

export function newSalt(): string {
  return randomBytes(8).toString('hex');
}

export function secretsHash(salt: string, variables: Record<string, string>): string {
  const names = Object.keys(variables).sort();
  const canonical = JSON.stringify(names.map((n) => [n, variables[n]]));
  return scryptSync(canonical, Buffer.from(salt, 'hex'), 16, SCRYPT).toString('hex');
}

/** Does the marker (or its absence) describe these variables? */
export function markerMatches(marker: SecretsMarker | undefined, variables: Record<string, string>): boolean {
  if (Object.keys(variables).length === 0) return marker === undefined;
  return marker !== undefined && secretsHash(marker.salt, variables) === marker.hash;
}

/** The marker to write for these variables, reusing the deployed salt when there is one. */
export function markerFor(variables: Record<string, string>, deployed?: SecretsMarker): SecretsMarker | undefined {
  if (Object.keys(variables).length === 0) return undefined;
  const salt = deployed?.salt ?? newSalt();
  return { salt, hash: secretsHash(salt, variables) };
}

export function withSecretsMarker(text: string | undefined, marker: SecretsMarker | undefined): string {
  const t = text ?? '';
  if (!marker) return t;
  const m = `[secrets ${marker.salt}:${marker.hash}]`;
  return t === '' ? m : `${t} ${m}`;
}

export function splitSecretsMarker(description: string | undefined): { text: string; marker?: SecretsMarker } {
  const d = description ?? '';
  const m = MARKER.exec(d);
  return m ? { text: d.slice(0, m.index), marker: { salt: m[1]!, hash: m[2]! } } : { text: d };
}
