/**
 * Every AWS SDK call is bounded by the invocation's deadline: with the SQS or Secrets Manager
 * endpoint a black hole (a TCP listener that accepts connections and never answers), the real SDK
 * (no mock) is used by each function, and each returns before its 2 s deadline.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_JOB_OPENMPI_HELLO_2, startEmulator, type Emulator, type Job } from '../../emulator';
import { LAST_PHASE_ANNOTATION } from '../../lib/sweep/rules';
import { lambdaContext } from '../support/contexts';
import { CLEAN_ENV, setEnv } from '../support/env';
import { callHttp, coldHandler } from '../support/harness';
import { SEED_NS } from '../support/http-events';

const DEADLINE_MS = 2_000;

let emu: Emulator;
let hole: net.Server;
let holeUrl: string;
const sockets = new Set<net.Socket>();
let accepted = 0;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  hole = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume(); // read everything, answer nothing
  });
  await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
  holeUrl = `http://127.0.0.1:${(hole.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => hole.close(resolve));
  await emu.close();
});

beforeEach(() => {
  accepted = 0;
  setEnv({
    ...CLEAN_ENV,
    CCI_ENDPOINT: emu.url,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SQS: holeUrl,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: holeUrl,
  });
});

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await run();
  return { result, ms: Date.now() - started };
}

describe('a black-hole AWS endpoint cannot hold a function past its deadline', () => {
  it('patchFromQueue: the failure queue never answers → the batch returns in time, the permanent failure comes back (not lost)', async () => {
    setEnv({ CCI_TOKEN: 'local-dev-token', ALLOWED_NAMESPACES: SEED_NS, FAILED_PATCHES_QUEUE_URL: `${holeUrl}/000000000000/failed-patches` });
    const handler = await coldHandler('patchFromQueue');
    const event = { Records: [{ messageId: 'm1', body: 'not json', attributes: {}, eventSource: 'aws:sqs', receiptHandle: 'r', md5OfBody: '', eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:q', awsRegion: 'eu-west-1', messageAttributes: {} }] };
    const { result, ms } = await timed(() => handler(event, lambdaContext(DEADLINE_MS)));
    expect(ms).toBeLessThan(DEADLINE_MS);
    expect(accepted).toBeGreaterThan(0); // the SDK did reach the black hole
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });

  it('sweepJobs: the events queue never answers → the sweep report comes back in time, the event counted as not sent', async () => {
    const job = structuredClone(SEED_JOB_OPENMPI_HELLO_2) as Job;
    job.metadata.annotations = { [LAST_PHASE_ANNOTATION]: 'Pending' };
    emu.putJob(SEED_NS, job);
    emu.setPhase(SEED_NS, job.metadata.name, 'Running');
    setEnv({ CCI_TOKEN: 'local-dev-token', SWEEP_NAMESPACES: SEED_NS, SWEEP_STUCK_AFTER: '1h', SWEEP_EVENTS_QUEUE_URL: `${holeUrl}/000000000000/events` });
    const handler = await coldHandler('sweepJobs');
    const { result, ms } = await timed(() => handler({}, lambdaContext(DEADLINE_MS)));
    expect(ms).toBeLessThan(DEADLINE_MS);
    expect(accepted).toBeGreaterThan(0);
    const report = result as { transitions: unknown[]; events: { sent: number; failed: unknown[] } };
    expect(report.transitions.length).toBeGreaterThan(0);
    expect(report.events.sent).toBe(0);
    expect(report.events.failed.length).toBeGreaterThanOrEqual(report.transitions.length);
  });

  it('IAM_CREDENTIALS_SECRET: Secrets Manager never answers → getJob answers 504 in time', async () => {
    setEnv({ IAM_ENDPOINT: emu.url, IAM_CREDENTIALS_SECRET: 'iam-credentials', ALLOWED_NAMESPACES: SEED_NS, WEBHOOK_AUTH: 'none' });
    const handler = await coldHandler('getJob');
    const { result, ms } = await timed(() => callHttp(handler, 'aws', 'getJob', { secret: null, name: 'openmpi-hello-2-com' }, DEADLINE_MS));
    expect(ms).toBeLessThan(DEADLINE_MS);
    expect(accepted).toBeGreaterThan(0);
    expect(result.statusCode).toBe(504);
    expect(result.headers['content-type']).toBe('application/problem+json');
  });
});
