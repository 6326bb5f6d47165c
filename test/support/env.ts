/** Sets process.env for one test and restores it afterwards. */
import { afterEach } from 'vitest';

const saved: Array<[string, string | undefined]> = [];

export function setEnv(vars: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(vars)) {
    saved.push([k, process.env[k]]);
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

afterEach(() => {
  while (saved.length > 0) {
    const [k, v] = saved.pop()!;
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** Every variable the functions read, cleared, so a test states exactly what it configures. */
export const CLEAN_ENV: Record<string, undefined> = Object.fromEntries(
  [
    'CCI_ENDPOINT', 'CCI_TOKEN', 'CCI_ACCESS_KEY', 'CCI_SECRET_KEY', 'CCI_SECURITY_TOKEN', 'CCI_PROJECT_ID',
    'IAM_ENDPOINT', 'IAM_DOMAIN', 'IAM_USER', 'IAM_PASSWORD', 'IAM_PROJECT', 'IAM_CREDENTIALS_SECRET',
    'KUBE_TOKEN', 'KUBE_CLIENT_CERT', 'KUBE_CLIENT_KEY', 'KUBE_CA_CERT', 'KUBECONFIG_SECRET', 'KUBECONFIG_DATA',
    'ALLOWED_NAMESPACES', 'WEBHOOK_SECRET', 'WEBHOOK_AUTH', 'SWEEP_NAMESPACES', 'SWEEP_LABEL_SELECTOR',
    'SWEEP_STUCK_AFTER', 'SWEEP_EVENTS_QUEUE_URL', 'FAILED_PATCHES_QUEUE_URL',
    'SWEEP_EVENTS_TOPIC_ARN', 'SWEEP_EVENTS_SMN_TOPIC_URN', 'SMN_ENDPOINT',
  ].map((k) => [k, undefined]),
);
