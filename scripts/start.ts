/**
 * `npm start`: the local stack. Starts the IAM + CCI emulator, then `serverless offline start`
 * (serverless-esbuild builds the same bundles as a deploy) configured to use it with IAM password
 * credentials, and prints ready-to-run signed calls, the sweep's SMN notifications as they arrive, plus a kubeconfig (`.local/kubeconfig`, git-ignored)
 * so kubectl can look at the emulator too.
 *
 * `npm start -- --kubernetes` runs it as a Kubernetes cluster with Volcano would be used (CCE,
 * self-managed): the emulator serves HTTPS with its test CA, and the functions get the kubeconfig
 * (`KUBECONFIG_DATA`: server, CA and a service-account-style bearer token; no CCI_ENDPOINT);
 * `--kubernetes=token` hands over `CCI_ENDPOINT`, `KUBE_TOKEN` and `KUBE_CA_CERT` instead.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_BEARER_TOKENS, DEFAULT_PROJECTS, DEFAULT_STATIC_TOKENS, DEFAULT_USERS, startEmulator } from '../emulator';
import { kubeconfigText, writeKubeconfig } from '../emulator/kubeconfig';
import { LOCAL } from './local-config';

type Mode = 'iam' | 'kubeconfig' | 'token';

function modeOf(argv: string[]): Mode {
  const flag = argv.find((a) => a === '--kubernetes' || a.startsWith('--kubernetes='));
  if (!flag) return 'iam';
  const v = flag.split('=')[1] ?? 'kubeconfig';
  if (v !== 'kubeconfig' && v !== 'token') throw new Error(`--kubernetes takes kubeconfig or token, not "${v}"`);
  return v;
}

/** How the functions authenticate: IAM password credentials (CCI), or as a Kubernetes service account. */
function credentials(mode: Mode, url: string, caPem: string | undefined): Record<string, string> {
  const none = { CCI_ENDPOINT: '', KUBE_TOKEN: '', KUBE_CA_CERT: '', KUBECONFIG_DATA: '', IAM_DOMAIN: '', IAM_USER: '', IAM_PASSWORD: '', IAM_PROJECT: '' };
  const token = DEFAULT_BEARER_TOKENS[0]!;
  if (mode === 'kubeconfig') return { ...none, KUBECONFIG_DATA: kubeconfigText({ server: url, caPem, token, namespace: LOCAL.namespace }) };
  if (mode === 'token') return { ...none, CCI_ENDPOINT: url, KUBE_TOKEN: token, KUBE_CA_CERT: caPem! };
  const user = DEFAULT_USERS[0]!;
  return { ...none, CCI_ENDPOINT: url, IAM_ENDPOINT: url, IAM_DOMAIN: user.domain, IAM_USER: user.user, IAM_PASSWORD: user.password, IAM_PROJECT: DEFAULT_PROJECTS[0]! };
}

async function main(): Promise<void> {
  const mode = modeOf(process.argv);
  // HTTPS beside HTTP for kubectl, which sends no credentials over plain HTTP (client-go's rule); with
  // --kubernetes the functions use the HTTPS listener as well.
  const emu = await startEmulator({ port: LOCAL.emulatorPort, tlsPort: LOCAL.emulatorTlsPort, log: process.argv.includes('--log') });
  const apiUrl = mode === 'iam' ? emu.url : emu.tlsUrl!;
  // A few more jobs so the sweep has something to report.
  emu.createJobs(LOCAL.namespace, 3, { prefix: 'demo-running', phase: 'Running' });
  emu.createJobs(LOCAL.namespace, 2, { prefix: 'demo-pending', phase: 'Pending', lastTransitionTime: new Date(Date.now() - 3 * 3600_000).toISOString() });
  const kubeconfig = writeKubeconfig(join(__dirname, '..', '.local', 'kubeconfig'), {
    server: emu.tlsUrl!,
    caPem: emu.caCert!,
    token: DEFAULT_STATIC_TOKENS[0]!,
    namespace: LOCAL.namespace,
  });
  const env = {
    ...process.env,
    ...credentials(mode, apiUrl, emu.caCert),
    ALLOWED_NAMESPACES: process.env.ALLOWED_NAMESPACES ?? '*',
    WEBHOOK_SECRET: LOCAL.webhookSecret,
    SWEEP_NAMESPACES: process.env.SWEEP_NAMESPACES ?? LOCAL.namespace,
    SWEEP_STUCK_AFTER: process.env.SWEEP_STUCK_AFTER ?? '30m',
    // The sweep's notifications go to the emulator's SMN (printed below as they arrive). SMN takes
    // Huawei credentials only: a cluster's service-account token means nothing to it.
    ...(mode === 'iam'
      ? { SWEEP_EVENTS_SMN_TOPIC_URN: process.env.SWEEP_EVENTS_SMN_TOPIC_URN ?? LOCAL.smnTopicUrn, SMN_ENDPOINT: process.env.SMN_ENDPOINT ?? emu.url }
      : {}),
    // Empty: failed queue messages are logged only (no AWS account needed locally).
    FAILED_PATCHES_QUEUE_URL: process.env.FAILED_PATCHES_QUEUE_URL ?? '',
    HTTP_PORT: String(LOCAL.httpPort),
    LAMBDA_PORT: String(LOCAL.lambdaPort),
    AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const bin = join(__dirname, '..', 'node_modules', '.bin', 'serverless');
  const offline = spawn(bin, ['offline', 'start'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let announced = false;
  offline.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && /Server ready|localhost:\d+/.test(chunk.toString())) {
      announced = true;
      const j = LOCAL.jobs[1]!;
      process.stdout.write(
        [
          '',
          `Local stack ready: functions on http://localhost:${LOCAL.httpPort}, IAM + CCI emulator on ${emu.url} and ${emu.tlsUrl}`,
          mode === 'iam'
            ? 'Credentials: IAM password (npm start -- --kubernetes: as a Kubernetes service account, over HTTPS)'
            : mode === 'kubeconfig'
              ? 'Credentials: a kubeconfig (KUBECONFIG_DATA: server, test CA, bearer token), as for CCE or any Kubernetes'
              : 'Credentials: CCI_ENDPOINT + KUBE_TOKEN + KUBE_CA_CERT (the test CA), as for CCE or any Kubernetes',
          `Webhook secret: ${LOCAL.webhookSecret} (npm run call signs requests with it)`,
          'Try, in another terminal:',
          `  npm run call -- GET /namespaces/${LOCAL.namespace}/jobs/${j}`,
          `  npm run call -- GET '/namespaces/${LOCAL.namespace}/jobs/${j}?view=summary'`,
          `  npm run call -- GET '/namespaces/${LOCAL.namespace}/jobs?view=summary&limit=2'`,
          `  npm run call -- GET '/namespaces/${LOCAL.namespace}/jobs?view=summary&limit=2&continue=<the answer\'s "continue">'`,
          `  npm run call -- GET '/namespaces/${LOCAL.namespace}/jobs?labelSelector=app%3Dpatchlabel'`,
          `  npm run call -- PATCH /namespaces/${LOCAL.namespace}/jobs/${j} '{"labels":{"team":"ml"}}'`,
          `  npm run call -- PATCH /namespaces/${LOCAL.namespace}/jobs/${j} '{"replicas":{"mpiworker":4}}'`,
          `  npm run call -- PATCH /namespaces/${LOCAL.namespace}/jobs/${j} '{"replicas":{"mpiworker":1},"dryRun":true}'`,
          '  npm run call -- --curl GET /namespaces/... (prints a signed curl line instead)',
          '',
          mode === 'iam'
            ? `The sweep runs every 5 minutes; its notifications (SMN topic ${LOCAL.smnTopicUrn}) are printed here as "[smn ...]" lines.`
            : 'The sweep runs every 5 minutes (no SMN notifications with Kubernetes credentials: SMN needs Huawei ones).',
          'To sweep now:',
          `  curl -s -X POST localhost:${LOCAL.lambdaPort}/2015-03-31/functions/volcano-job-functions-dev-sweepJobs/invocations -d '{}'`,
          '',
          'kubectl against the emulator (namespace preset in the context):',
          `  export KUBECONFIG=${kubeconfig}`,
          '  kubectl get vcjob',
          `  kubectl get vcjob ${j} -o jsonpath='{.spec.tasks[*].replicas}'`,
          `  kubectl label vcjob ${j} team=ml`,
          `  kubectl patch vcjob ${j} --type merge -p '{"metadata":{"annotations":{"owner":"me"}}}'`,
          '',
        ].join('\n'),
      );
    }
  });
  // What the sweep announced on SMN: the subject, as a subscriber's inbox or chat would show it.
  let smnSeen = 0;
  const smnPoll = setInterval(() => {
    const messages = emu.smnMessages();
    for (const m of messages.slice(smnSeen)) process.stdout.write(`[smn ${m.topic_urn.split(':').pop()}] ${m.subject ?? ''}\n`);
    smnSeen = messages.length;
  }, 1_000);
  smnPoll.unref();
  const stop = () => {
    offline.kill('SIGINT');
    void emu.close();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  offline.on('exit', (code) => {
    void emu.close().then(() => process.exit(code ?? 0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`npm start failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
