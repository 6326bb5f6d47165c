/**
 * `npm start` end to end: the emulator plus serverless-offline (the same esbuild bundles as a
 * deploy), on free ports, answering signed HTTP requests over real sockets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../support/harness';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedPath, signWebhook } from '../../lib/http/webhook-signature';

const ROOT = join(__dirname, '..', '..');
const NS = 'cci-namespace-42263891';
const SECRET = 'e2e-webhook-secret';
let stack: ChildProcess;
let httpPort = 0;
let lambdaPort = 0;
let output = '';

beforeAll(async () => {
  [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const [emulatorPort, emulatorTlsPort] = [await freePort(), await freePort()];
  stack = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, HTTP_PORT: String(httpPort), LAMBDA_PORT: String(lambdaPort), EMULATOR_PORT: String(emulatorPort), EMULATOR_TLS_PORT: String(emulatorTlsPort), WEBHOOK_SECRET: SECRET },
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
  // The whole process group: tsx, serverless offline and its workers.
  if (stack.pid) process.kill(-stack.pid, 'SIGTERM');
});

async function call(method: string, path: string, body = '') {
  const url = new URL(path, `http://127.0.0.1:${httpPort}`);
  const headers: Record<string, string> = signWebhook(SECRET, method, signedPath(url.pathname, [...url.searchParams]), body);
  if (body) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: body || undefined });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

describe('npm start', () => {
  it('serves the seed Job over signed HTTP', async () => {
    const res = await call('GET', `/namespaces/${NS}/jobs/openmpi-hello-3-com?view=summary`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ name: 'openmpi-hello-3-com', phase: 'Inqueue', tasks: [{ name: 'mpimaster' }, { name: 'mpiworker' }] });
  });

  it('patches it, and refuses an unsigned request', async () => {
    const res = await call('PATCH', `/namespaces/${NS}/jobs/openmpi-hello-2-com`, JSON.stringify({ labels: { e2e: 'yes' }, replicas: { mpiworker: 3 } }));
    expect(res.status).toBe(200);
    expect(res.json.metadata.labels.e2e).toBe('yes');
    const unsigned = await fetch(`http://127.0.0.1:${httpPort}/namespaces/${NS}/jobs/openmpi-hello-2-com`);
    expect(unsigned.status).toBe(401);
  });

  it('runs the sweep and the queue function through the local Lambda endpoint', async () => {
    const invoke = async (fn: string, event: unknown) => {
      const res = await fetch(`http://127.0.0.1:${lambdaPort}/2015-03-31/functions/volcano-job-functions-dev-${fn}/invocations`, {
        method: 'POST',
        body: JSON.stringify(event),
      });
      return (await res.json()) as Record<string, any>;
    };
    const report = await invoke('sweepJobs', {});
    expect(report).toMatchObject({ namespaces: [NS], complete: true });
    expect(report.jobs).toBeGreaterThanOrEqual(2);
    const queue = await invoke('patchFromQueue', {
      Records: [{ messageId: 'm1', body: JSON.stringify({ namespace: NS, name: 'openmpi-hello-3-com', labels: { queued: 'yes' } }), attributes: {} }],
    });
    expect(queue).toEqual({ batchItemFailures: [] });
    const after = await call('GET', `/namespaces/${NS}/jobs/openmpi-hello-3-com?view=summary`);
    expect(after.json.labels.queued).toBe('yes');
  });
});
