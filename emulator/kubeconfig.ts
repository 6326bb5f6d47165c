/**
 * A kubeconfig for the local stack, so kubectl and Kubernetes client libraries can look at the
 * emulator while `npm start` runs (what the functions did to a job, seen with the usual tool).
 * Written as JSON, which every kubeconfig loader reads (YAML is a superset of JSON).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KubeconfigInput {
  /** The emulator's base URL (http:// or https://). */
  server: string;
  /** A bearer token the emulator accepts. */
  token?: string;
  /** Client certificate and key (PEM) instead of, or beside, a token. */
  clientCertificatePem?: string;
  clientKeyPem?: string;
  /** CA (PEM) to trust for an https:// server. */
  caPem?: string;
  namespace?: string;
  /** Names of the cluster, user and context (default `local-emulator`). */
  name?: string;
}

const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

export function kubeconfigText(input: KubeconfigInput): string {
  const name = input.name ?? 'local-emulator';
  const cluster: Record<string, string | boolean> = { server: input.server };
  if (input.caPem) cluster['certificate-authority-data'] = b64(input.caPem);
  // @kubernetes/client-node refuses a plain http:// server unless TLS checks are declared off
  // ("HTTP protocol is not allowed when skipTLSVerify is not set"); kubectl ignores the flag for http.
  if (/^http:\/\//i.test(input.server)) cluster['insecure-skip-tls-verify'] = true;
  const user: Record<string, string> = {};
  if (input.token) user['token'] = input.token;
  if (input.clientCertificatePem) user['client-certificate-data'] = b64(input.clientCertificatePem);
  if (input.clientKeyPem) user['client-key-data'] = b64(input.clientKeyPem);
  const context: Record<string, string> = { cluster: name, user: name };
  if (input.namespace) context['namespace'] = input.namespace;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user }],
    contexts: [{ name, context }],
    'current-context': name,
    preferences: {},
  };
  return JSON.stringify(config, null, 2) + '\n';
}

/** Writes the kubeconfig (mode 0600: it holds a credential), creating its folder. Returns the path. */
export function writeKubeconfig(path: string, input: KubeconfigInput): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, kubeconfigText(input), { mode: 0o600 });
  return path;
}
