/**
 * The command line as a user meets it (`main` is what `npm run deploy:functiongraph` runs): exit
 * codes, the printed table and invoke URLs, clear errors for missing credentials and for the API's
 * refusals, and no secret (SK, security token, encrypted variable values) anywhere in what is
 * printed, the SDK's own logging (console, process streams) included.
 */
import { tempDir } from '../../support/tmp';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeFunctionGraph, type FakeFunctionGraph } from '../../../emulator/functiongraph/fake-functiongraph';
import { main } from '../../../scripts/deploy-functiongraph/main';
import { writeZip } from '../../../scripts/zip-files';

// The SDK writes ~/.huaweicloud/application_id when it builds a client: keep that out of the real home.
process.env.HOME = tempDir('fg-home-');

const AK = 'MAINTESTAK0000000001';
const SK = 'main-test-secret-key-SHOULD-NOT-APPEAR';
const TOKEN = 'security-token-SHOULD-NOT-APPEAR';
const PASSWORD = 'iam-password-SHOULD-NOT-APPEAR';
const KUBE_KEY = 'kube-client-key-SHOULD-NOT-APPEAR';
const PROJECT = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const SECRETS = [SK, TOKEN, PASSWORD, KUBE_KEY];

let zips: Map<string, Buffer>;
let fake: FakeFunctionGraph;
const consoleCalls: string[] = [];

beforeAll(async () => {
  // Small stand-in zips: packaging itself is covered by deploy.test.ts and the packaging tests.
  const dir = tempDir('fg-main-');
  zips = new Map();
  for (const name of ['getJob', 'patchJob', 'patchFromQueue', 'sweepJobs', 'listJobs']) {
    await writeZip(join(dir, `${name}.zip`), [{ name: 'index.js', data: `exports.handler = async () => ${JSON.stringify(name)};` }]);
    zips.set(name, readFileSync(join(dir, `${name}.zip`)));
  }
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  fake = await startFakeFunctionGraph({ accessKey: AK, secretKey: SK, projectId: PROJECT, securityToken: TOKEN });
  consoleCalls.length = 0;
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      consoleCalls.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    });
  }
  // The SDK logs through log4js, which writes to the process streams directly.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      consoleCalls.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return true;
    });
  }
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fake.close();
});

function env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    HUAWEICLOUD_SDK_AK: AK,
    HUAWEICLOUD_SDK_SK: SK,
    HUAWEICLOUD_SDK_SECURITY_TOKEN: TOKEN,
    HUAWEICLOUD_SDK_PROJECT_ID: PROJECT,
    FUNCTIONGRAPH_ENDPOINT: fake.url,
    FUNCTIONGRAPH_APIG_GROUP_ID: 'group-1',
    IAM_PASSWORD: PASSWORD,
    KUBE_CLIENT_KEY: KUBE_KEY,
    ...extra,
  };
}

async function run(argv: string[], e: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, e, { write: (s) => void (stdout += s) }, { write: (s) => void (stderr += s) }, { buildZips: async () => zips });
  return { code, stdout, stderr };
}

function expectNoSecrets(...texts: string[]): void {
  for (const t of [...texts, ...consoleCalls]) for (const s of SECRETS) expect(t).not.toContain(s);
}

describe('deploy:functiongraph', () => {
  it('exits 0 and prints a created table and the invoke URLs, then an unchanged table on the second run', async () => {
    const first = await run([], env());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/volcano-job-functions-dev-getJob\s+function\s+created\s+Node\.js20\.15, 256 MB, 15 s/);
    expect(first.stdout).toMatch(/volcano-job-functions-dev-sweepJobs\s+TIMER Rate 5m\s+created/);
    expect(first.stdout).toContain('Invoke URLs:');
    expect(first.stdout).toContain('https://group-1.apig.cn-north-4.huaweicloudapis.com/namespaces/{namespace}/jobs/{name}');
    const second = await run([], env());
    expect(second.code).toBe(0);
    expect(second.stdout).not.toMatch(/created|updated/);
    expect(second.stdout).toMatch(/\d+ unchanged/);
    expectNoSecrets(first.stdout, first.stderr, second.stdout, second.stderr);
  });

  it('--dry-run prints the plan, says nothing was changed, and writes nothing', async () => {
    const r = await run(['--dry-run'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Dry run');
    expect(r.stdout).toMatch(/volcano-job-functions-dev-patchJob\s+function\s+to create/);
    expect(fake.writes()).toEqual([]);
  });

  it('a refusal exits 1 with the API\'s error code and message on stderr, and prints no secret', async () => {
    fake.refuse({ method: 'POST', path: /\/fgs\/triggers\//, status: 400, error_code: 'FSS.1051', error_msg: 'The number of triggers exceeds the quota.' });
    const r = await run([], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FSS.1051');
    expect(r.stderr).toContain('The number of triggers exceeds the quota.');
    expect(r.stderr).toContain('HTTP 400');
    // The function created before the refusal is reported.
    expect(r.stdout).toMatch(/Done before the failure:[\s\S]*created/);
    expectNoSecrets(r.stdout, r.stderr);
  });

  it('missing credentials exit 2 naming every missing variable, before any request', async () => {
    const r = await run([], env({ HUAWEICLOUD_SDK_AK: undefined, HUAWEICLOUD_SDK_PROJECT_ID: '' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('HUAWEICLOUD_SDK_AK');
    expect(r.stderr).toContain('HUAWEICLOUD_SDK_PROJECT_ID');
    expect(r.stderr).not.toContain('HUAWEICLOUD_SDK_SK,');
    expect(fake.requests).toEqual([]);
    expectNoSecrets(r.stdout, r.stderr);
  });

  it('a missing API group for the HTTP functions exits 1 naming the flag and the variable, before any request', async () => {
    const r = await run([], env({ FUNCTIONGRAPH_APIG_GROUP_ID: undefined }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--apig-group-id');
    expect(r.stderr).toContain('FUNCTIONGRAPH_APIG_GROUP_ID');
    expect(fake.requests).toEqual([]);
  });

  it('an unknown flag exits 2 with the usage', async () => {
    const r = await run(['--stagee', 'x'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--stagee');
    expect(r.stderr).toContain('--apig-group-id');
  });

  it('--help prints every flag with its variable and exits 0', async () => {
    const r = await run(['--help'], env());
    expect(r.code).toBe(0);
    for (const s of ['--stage', '--region', '--dry-run', '--xrole', 'FUNCTIONGRAPH_XROLE', '--kafka-topic', 'HUAWEICLOUD_SDK_AK', 'FUNCTIONGRAPH_ENDPOINT']) {
      expect(r.stdout).toContain(s);
    }
    expect(fake.requests).toEqual([]);
  });
});
