/**
 * How a second deploy knows the encrypted variables did not change without reading them back:
 * whether FunctionGraph returns `encrypted_user_data` in clear, masked or not at all is not
 * documented, so the deploy keeps its own fingerprint of them at the end of the function's
 * description, `[secrets <hex>]`. The fingerprint is an HMAC-SHA256 keyed with the deployer's
 * secret key: it shows nothing of the values (a plain hash of a short password could be guessed)
 * and changes when any name or value changes. Deploying with another access key rewrites it once.
 */
import { createHmac } from 'node:crypto';

const MARKER = / ?\[secrets ([0-9a-f]{32})\]$/;

/** Undefined when there are no encrypted variables. */
export function secretsFingerprint(key: string, variables: Record<string, string>): string | undefined {
  const names = Object.keys(variables).sort();
  if (names.length === 0) return undefined;
  const canonical = JSON.stringify(names.map((n) => [n, variables[n]]));
  return createHmac('sha256', key).update(canonical).digest('hex').slice(0, 32);
}

export function withSecretsMarker(description: string | undefined, fingerprint: string | undefined): string {
  const text = description ?? '';
  if (!fingerprint) return text;
  return text === '' ? `[secrets ${fingerprint}]` : `${text} [secrets ${fingerprint}]`;
}

export function splitSecretsMarker(description: string | undefined): { text: string; fingerprint?: string } {
  const d = description ?? '';
  const m = MARKER.exec(d);
  return m ? { text: d.slice(0, m.index), fingerprint: m[1]! } : { text: d };
}
