/**
 * `npm start -- --kubernetes` end to end: the emulator over HTTPS with its test CA, serverless-offline
 * running the same bundles as a deploy with only a kubeconfig (KUBECONFIG_DATA: server, CA, bearer
 * token; no CCI_ENDPOINT), answering signed HTTP and the sweep; the emulator saw bearer tokens only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../support/harness';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedPath, signWebhook } from '../../lib/http/webhook-signature';
import { tlsMaterial } from '../../emulator/tls';

const ROOT = join(__dirname, '..', '..');
const NS = 'cci-namespace-42263891';
const SECRET = 'e2e-webhook-secret';
let stack: ChildProcess;
const ports = { http: 0, lambda: 0, emulator: 0, emulatorTls: 0 };
let output = '';

beforeAll(async () => {
  ports.http = await freePort();
  ports.lambda = await freePort();
  ports.emulator = await freePort();
  ports.emulatorTls = await freePort();
  stack = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts', '--kubernetes'], {
    cwd: ROOT,
    env: { ...process.env, HTTP_PORT: String(ports.http), LAMBDA_PORT: String(ports.lambda), EMULATOR_PORT: String(ports.emulator),
      EMULATOR_TLS_PORT: String(ports.emulatorTls),
      WEBHOOK_SECRET: SECRET,
      // Not .esbuild/: the other local-stack test may be building there at the same time.
      ESBUILD_WORK_FOLDER: '.local/esbuild-kubernetes' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  stack.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  stack.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const started = Date.now();
  while (!output.includes('Server ready')) {
    if (Date.now() - started > 60_000 || stack.exitCode !== null) throw new Error(`local stack did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 90_000);

afterAll(() => {
  if (stack.pid) process.kill(-stack.pid, 'SIGTERM');
});

/** The emulator's request log, over HTTPS trusting only the test CA. */
async function emulatorRequests(): Promise<Array<{ service: string; auth?: string }>> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    https
      .get(`https://127.0.0.1:${ports.emulatorTls}/_emulator/requests`, { ca: tlsMaterial().serverCa }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(JSON.parse(text)));
      })
      .on('error', reject);
  });
}

describe('npm start -- --kubernetes', () => {
  it('serves and patches jobs with only a kubeconfig, and sweeps', async () => {
    expect(output).toContain('Credentials: a kubeconfig');
    expect(output).toContain(`https://127.0.0.1:${ports.emulatorTls}`);
    const path = `/namespaces/${NS}/jobs/openmpi-hello-3-com`;
    const body = JSON.stringify({ labels: { e2e: 'kube' } });
    const headers = { ...signWebhook(SECRET, 'PATCH', signedPath(path, []), body), 'content-type': 'application/json' };
    const res = await fetch(`http://127.0.0.1:${ports.http}${path}`, { method: 'PATCH', headers, body });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { metadata: { labels: Record<string, string> } }).metadata.labels.e2e).toBe('kube');
    const sweep = await fetch(`http://127.0.0.1:${ports.lambda}/2015-03-31/functions/volcano-job-functions-dev-sweepJobs/invocations`, { method: 'POST', body: '{}' });
    expect(await sweep.json()).toMatchObject({ namespaces: [NS], complete: true });
    const cci = (await emulatorRequests()).filter((r) => r.service === 'cci');
    expect(cci.length).toBeGreaterThanOrEqual(2);
    expect(new Set(cci.map((r) => r.auth))).toEqual(new Set(['bearer']));
  }, 60_000);
});
