/**
 * deployFunctionGraph against the local fake of the FunctionGraph API, with the official SDK as the
 * client (real HTTP, real AK/SK signatures) and the real zips: what a first deploy creates, that a
 * second one writes nothing, that a change touches only what changed, that a dry run only reads.
 */
import { tempDir } from '../../support/tmp';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeFunctionGraph, type FakeFunctionGraph } from '../../../emulator/functiongraph/fake-functiongraph';
import { packageFunctionGraph } from '../../../scripts/package-functiongraph';
import { deployFunctionGraph, DeployFailed } from '../../../scripts/deploy-functiongraph/deploy';
import { FunctionGraphRefusal } from '../../../scripts/deploy-functiongraph/functiongraph-api';
import { parseInputs, type DeployInputs } from '../../../scripts/deploy-functiongraph/inputs';
import { readServiceSettings } from '../../../scripts/deploy-functiongraph/service-settings';
import { readZip, writeZip } from '../../../scripts/zip-files';

// The SDK writes ~/.huaweicloud/application_id when it builds a client: keep that out of the real home.
process.env.HOME = tempDir('fg-home-');

const AK = 'TESTAKFUNCTIONGRAPH01';
const SK = 'test-secret-key-never-printed';
const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const dir = tempDir('fg-deploy-');
let zips: Map<string, Buffer>;
let fake: FakeFunctionGraph;

beforeAll(async () => {
  const built = await packageFunctionGraph(join(dir, 'zips'));
  zips = new Map(built.map((b) => [b.name, readFileSync(b.zip)]));
}, 120_000);
beforeEach(async () => {
  fake = await startFakeFunctionGraph({ accessKey: AK, secretKey: SK, projectId: PROJECT });
});
afterEach(async () => {
  await fake.close();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    HUAWEICLOUD_SDK_AK: AK,
    HUAWEICLOUD_SDK_SK: SK,
    HUAWEICLOUD_SDK_PROJECT_ID: PROJECT,
    FUNCTIONGRAPH_ENDPOINT: fake.url,
    FUNCTIONGRAPH_APIG_GROUP_ID: 'a9ad0d5df4d7475c9bc35a7c17d89304',
    CCI_ENDPOINT: 'https://cci.cn-north-4.myhuaweicloud.com',
    IAM_PASSWORD: 'iam-password-value',
    ALLOWED_NAMESPACES: 'team-a',
    ...extra,
  };
}

function inputs(e: Record<string, string>, argv: string[] = []): DeployInputs {
  const parsed = parseInputs(argv, e);
  if (parsed === 'help') throw new Error('unexpected help');
  return parsed;
}

async function deploy(e: Record<string, string>, argv: string[] = [], z: Map<string, Buffer> = zips) {
  return deployFunctionGraph({ inputs: inputs(e, argv), env: e, buildZips: async () => z });
}

const yml = (stage = 'dev', e: Record<string, string> = env()) => readServiceSettings({ stage, env: e });

describe('a first deploy', () => {
  it('creates every function of serverless.yml: Node.js20.15, index.handler, the zip with index.js, memory, timeout, variables', async () => {
    const e = env({ FUNCTIONGRAPH_XROLE: 'cci-agency' });
    const result = await deploy(e);
    const expected = yml('dev', e).functions;
    expect(expected.map((f) => f.name)).toEqual(expect.arrayContaining(['getJob', 'patchJob', 'patchFromQueue', 'sweepJobs']));
    const fns = fake.functions();
    expect(fns.size).toBe(expected.length);
    for (const f of expected) {
      const deployed = [...fns.values()].find((x) => x.record.func_name === `volcano-job-functions-dev-${f.name}`);
      expect(deployed, f.name).toBeDefined();
      const r = deployed!.record;
      expect(r).toMatchObject({ runtime: 'Node.js20.15', handler: 'index.handler', memory_size: f.memorySize, timeout: f.timeout, code_type: 'zip', xrole: 'cci-agency', package: 'default' });
      const zipPath = join(dir, `${f.name}-deployed.zip`);
      writeFileSync(zipPath, deployed!.code);
      const files = await readZip(zipPath);
      expect(files.get('index.js')?.toString()).toContain('handler');
      // The deploy tool's SDK stays out of the functions.
      for (const content of files.values()) expect(content.toString()).not.toMatch(/huaweicloud-sdk-functiongraph|FunctionGraphClient/);
      expect(deployed!.code.equals(zips.get(f.name)!)).toBe(true);
      // Plain variables in user_data, secrets only in encrypted_user_data.
      const userData = JSON.parse(String(r.user_data)) as Record<string, string>;
      const encrypted = JSON.parse(String(r.encrypted_user_data)) as Record<string, string>;
      expect(userData).toMatchObject({ CCI_ENDPOINT: 'https://cci.cn-north-4.myhuaweicloud.com', ALLOWED_NAMESPACES: 'team-a', LOG_LEVEL: 'info' });
      expect(userData).not.toHaveProperty('IAM_PASSWORD');
      expect(encrypted).toEqual({ IAM_PASSWORD: 'iam-password-value' });
      // Empty variables are not sent.
      expect(userData).not.toHaveProperty('CCI_TOKEN');
      // sweepJobs' V8 heap is sized for its 128 MB on FunctionGraph too; the others keep the provider's NODE_OPTIONS.
      if (f.name === 'sweepJobs') {
        expect(r.memory_size).toBe(128);
        expect(userData.NODE_OPTIONS).toBe('--enable-source-maps --max-semi-space-size=1 --max-old-space-size=64 --expose-gc');
        expect(userData.MALLOC_ARENA_MAX).toBe('1');
      } else {
        expect(userData.NODE_OPTIONS).toBe('--enable-source-maps');
        expect(userData.MALLOC_ARENA_MAX).toBeUndefined();
      }
    }
    expect(result.rows.filter((r) => r.resource === 'function').every((r) => r.action === 'created')).toBe(true);
  });

  it('creates an APIG trigger per route of serverless.yml, the TIMER with the stage rate, and reports the invoke URLs', async () => {
    const result = await deploy(env({ FUNCTIONGRAPH_TIMER_USER_EVENT: '{"namespaces":["team-a"]}' }));
    const byName = (n: string) => [...fake.functions().values()].find((x) => x.record.func_name === `volcano-job-functions-dev-${n}`)!;
    for (const f of yml().functions) {
      const triggers = byName(f.name).triggers;
      const apig = triggers.filter((t) => t.trigger_type_code === 'APIG').map((t) => t.event_data as Record<string, unknown>);
      expect(apig.map((t) => `${String(t.req_method)} ${String(t.path)}`).sort()).toEqual(f.httpRoutes.map((r) => `${r.method} ${r.path}`).sort());
      for (const t of apig) expect(t).toMatchObject({ group_id: 'a9ad0d5df4d7475c9bc35a7c17d89304', env_id: 'DEFAULT_ENVIRONMENT_RELEASE_ID', auth: 'NONE', match_mode: 'NORMAL' });
      const timers = triggers.filter((t) => t.trigger_type_code === 'TIMER');
      expect(timers).toHaveLength(f.schedules.length);
    }
    const timer = byName('sweepJobs').triggers.find((t) => t.trigger_type_code === 'TIMER')!;
    expect(timer).toMatchObject({ trigger_status: 'ACTIVE', event_data: { schedule_type: 'Rate', schedule: '5m', user_event: '{"namespaces":["team-a"]}' } });
    // No Kafka instance given: no Kafka trigger.
    expect(byName('patchFromQueue').triggers).toEqual([]);
    const http = yml().functions.filter((f) => f.httpRoutes.length > 0);
    expect(result.invokeUrls).toHaveLength(http.reduce((n, f) => n + f.httpRoutes.length, 0));
    for (const u of result.invokeUrls) expect(u.url).toBe(`https://a9ad0d5df4d7475c9bc35a7c17d89304.apig.cn-north-4.huaweicloudapis.com${u.path}`);
  });

  it('creates an active Kafka trigger for patchFromQueue when an instance and topic are given, with the batch size of serverless.yml', async () => {
    await deploy(env({ FUNCTIONGRAPH_KAFKA_INSTANCE_ID: '81335d56-b9fe-4679-ba95-7030949cc76b', FUNCTIONGRAPH_KAFKA_TOPIC: 'patch-requests' }));
    const fn = [...fake.functions().values()].find((x) => x.record.func_name === 'volcano-job-functions-dev-patchFromQueue')!;
    expect(fn.triggers).toHaveLength(1);
    expect(fn.triggers[0]).toMatchObject({
      trigger_type_code: 'KAFKA',
      trigger_status: 'ACTIVE',
      event_data: { instance_id: '81335d56-b9fe-4679-ba95-7030949cc76b', topic_ids: ['patch-requests'], batch_size: 10 },
    });
  });

  it('uses the stage: names carry it, the TIMER gets the rate of params.<stage>', async () => {
    await deploy(env(), ['--stage', 'prod']);
    const names = [...fake.functions().values()].map((f) => String(f.record.func_name)).sort();
    expect(names).toEqual(yml('prod').functions.map((f) => `volcano-job-functions-prod-${f.name}`).sort());
    const sweep = [...fake.functions().values()].find((f) => f.record.func_name === 'volcano-job-functions-prod-sweepJobs')!;
    expect(sweep.triggers[0]).toMatchObject({ event_data: { schedule: '2m' } });
  });

  it('signs with temporary credentials (security token) as well', async () => {
    await fake.close();
    fake = await startFakeFunctionGraph({ accessKey: AK, secretKey: SK, projectId: PROJECT, securityToken: 'sts-token-value' });
    await deploy(env({ HUAWEICLOUD_SDK_SECURITY_TOKEN: 'sts-token-value' }));
    expect(fake.functions().size).toBe(yml().functions.length);
    expect(fake.requests.every((r) => r.headers['x-security-token'] === 'sts-token-value')).toBe(true);
  });
});

describe('a second deploy', () => {
  it('with nothing changed makes no writes and reports everything unchanged', async () => {
    const e = env({ FUNCTIONGRAPH_KAFKA_INSTANCE_ID: 'k-1', FUNCTIONGRAPH_KAFKA_TOPIC: 't-1', FUNCTIONGRAPH_XROLE: 'cci-agency' });
    await deploy(e);
    const writesBefore = fake.writes().length;
    expect(writesBefore).toBeGreaterThan(0);
    const second = await deploy(e);
    expect(fake.writes().length).toBe(writesBefore);
    expect(second.rows.length).toBeGreaterThan(0);
    expect(second.rows.every((r) => r.action === 'unchanged')).toBe(true);
    expect(second.invokeUrls.every((u) => u.url?.startsWith('https://'))).toBe(true);
  });

  it('after a code change updates only that function\'s code', async () => {
    await deploy(env());
    const before = fake.requests.length;
    const changed = join(dir, 'changed.zip');
    await writeZip(changed, [{ name: 'index.js', data: 'exports.handler = async () => "v2";' }]);
    const z = new Map(zips);
    z.set('getJob', readFileSync(changed));
    const result = await deploy(env(), [], z);
    const writes = fake.requests.slice(before).filter((r) => r.method !== 'GET');
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([`PUT /v2/${PROJECT}/fgs/functions/urn:fss:cn-north-4:${PROJECT}:function:default:volcano-job-functions-dev-getJob/code`]);
    const fn = [...fake.functions().values()].find((f) => f.record.func_name === 'volcano-job-functions-dev-getJob')!;
    expect(fn.code.equals(readFileSync(changed))).toBe(true);
    expect(result.rows.find((r) => r.function.endsWith('-getJob') && r.resource === 'function')).toMatchObject({ action: 'updated', detail: 'code' });
  });

  it('after a change of one function\'s variable updates only that function\'s configuration', async () => {
    await deploy(env());
    const before = fake.requests.length;
    const result = await deploy(env({ FAILED_PATCHES_QUEUE_URL: 'https://queue.example/failed' }));
    const writes = fake.requests.slice(before).filter((r) => r.method !== 'GET');
    expect(writes).toHaveLength(1);
    expect(writes[0]!.method).toBe('PUT');
    expect(writes[0]!.path).toMatch(/volcano-job-functions-dev-patchFromQueue\/config$/);
    const fn = [...fake.functions().values()].find((f) => f.record.func_name === 'volcano-job-functions-dev-patchFromQueue')!;
    expect(JSON.parse(String(fn.record.user_data))).toMatchObject({ FAILED_PATCHES_QUEUE_URL: 'https://queue.example/failed', CCI_ENDPOINT: 'https://cci.cn-north-4.myhuaweicloud.com' });
    expect(result.rows.filter((r) => r.action === 'updated')).toEqual([
      { function: 'volcano-job-functions-dev-patchFromQueue', resource: 'function', action: 'updated', detail: 'user_data' },
    ]);
  });

  it('after a change of a secret value updates the configurations holding it, and never shows the value', async () => {
    await deploy(env());
    const before = fake.writes().length;
    const result = await deploy(env({ IAM_PASSWORD: 'new-password-value' }));
    const writes = fake.writes().slice(before);
    expect(writes).toHaveLength(fake.functions().size);
    expect(writes.every((w) => w.method === 'PUT' && w.path.endsWith('/config'))).toBe(true);
    for (const f of fake.functions().values()) {
      expect(JSON.parse(String(f.record.encrypted_user_data))).toEqual({ IAM_PASSWORD: 'new-password-value' });
      expect(String(f.record.description)).toMatch(/ \[secrets [0-9a-f]{16}:[0-9a-f]{32}\]$/);
      expect(String(f.record.description)).not.toContain('new-password-value');
    }
    expect(result.rows.filter((r) => r.resource === 'function').every((r) => r.detail === 'encrypted_user_data')).toBe(true);
  });

  it('makes no writes either when the API does not return the encrypted variables', async () => {
    await fake.close();
    fake = await startFakeFunctionGraph({ accessKey: AK, secretKey: SK, projectId: PROJECT, hideEncryptedUserData: true });
    await deploy(env());
    const before = fake.writes().length;
    const second = await deploy(env());
    expect(fake.writes().length).toBe(before);
    expect(second.rows.every((r) => r.action === 'unchanged')).toBe(true);
    await deploy(env({ IAM_PASSWORD: 'changed' }));
    expect(fake.writes().length - before).toBe(fake.functions().size);
  });

  it('keeps an agency set earlier when --xrole is not given, and changes it when it is', async () => {
    await deploy(env({ FUNCTIONGRAPH_XROLE: 'agency-1' }));
    await deploy(env({ LOG_LEVEL: 'debug' }));
    const all = [...fake.functions().values()];
    expect(all.every((f) => f.record.xrole === 'agency-1' && JSON.parse(String(f.record.user_data)).LOG_LEVEL === 'debug')).toBe(true);
    const before = fake.writes().length;
    await deploy(env({ LOG_LEVEL: 'debug', FUNCTIONGRAPH_XROLE: 'agency-2' }));
    expect(fake.writes().length - before).toBe(all.length);
    expect([...fake.functions().values()].every((f) => f.record.xrole === 'agency-2')).toBe(true);
  });

  it('replaces the TIMER trigger when its user_event changed (the API cannot edit it), and nothing else', async () => {
    await deploy(env({ FUNCTIONGRAPH_TIMER_USER_EVENT: 'a' }));
    const before = fake.requests.length;
    const result = await deploy(env({ FUNCTIONGRAPH_TIMER_USER_EVENT: 'b' }));
    const writes = fake.requests.slice(before).filter((r) => r.method !== 'GET');
    expect(writes.map((w) => w.method)).toEqual(['DELETE', 'POST']);
    expect(writes[0]!.path).toMatch(/\/triggers\/urn:fss:[^/]+:volcano-job-functions-dev-sweepJobs\/TIMER\/[0-9a-f]+$/);
    const sweep = [...fake.functions().values()].find((f) => f.record.func_name === 'volcano-job-functions-dev-sweepJobs')!;
    expect(sweep.triggers).toHaveLength(1);
    expect(sweep.triggers[0]).toMatchObject({ event_data: { user_event: 'b' } });
    expect(result.rows.find((r) => r.resource.startsWith('TIMER'))).toMatchObject({ action: 'replaced', detail: 'user_event' });
  });
});

describe('--dry-run', () => {
  it('on an empty project reads only and plans every function and trigger as to create', async () => {
    const result = await deploy(env(), ['--dry-run']);
    expect(fake.writes()).toEqual([]);
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.functions().size).toBe(0);
    expect(result.dryRun).toBe(true);
    const functionRows = result.rows.filter((r) => r.resource === 'function');
    expect(functionRows).toHaveLength(yml().functions.length);
    expect(result.rows.every((r) => r.action === 'to create')).toBe(true);
  });

  it('after a change plans the update without making it', async () => {
    await deploy(env());
    const before = fake.writes().length;
    const result = await deploy(env({ LOG_LEVEL: 'debug' }), ['--dry-run']);
    expect(fake.writes().length).toBe(before);
    expect(result.rows.filter((r) => r.resource === 'function').every((r) => r.action === 'to update' && r.detail === 'user_data')).toBe(true);
    expect([...fake.functions().values()].every((f) => JSON.parse(String(f.record.user_data)).LOG_LEVEL === 'info')).toBe(true);
  });
});

describe('a refused request', () => {
  it('stops the deploy at the refusal with the API\'s error code and message, and what was done before it', async () => {
    fake.refuse({ method: 'POST', path: /\/fgs\/functions$/, status: 403, error_code: 'FSS.1051', error_msg: 'The number of functions exceeds the quota.', times: 1 });
    const err = await deploy(env()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeployFailed);
    const cause = (err as DeployFailed).cause;
    expect(cause).toBeInstanceOf(FunctionGraphRefusal);
    expect(cause).toMatchObject({ status: 403, code: 'FSS.1051', apiMessage: 'The number of functions exceeds the quota.' });
    // The first create was refused: nothing after it was attempted.
    expect(fake.writes()).toHaveLength(1);
    expect(fake.functions().size).toBe(0);
    expect((err as DeployFailed).done).toEqual([]);
  });

  it('a bad signature is a refusal too (the fake checks every request)', async () => {
    const err = await deploy(env({ HUAWEICLOUD_SDK_SK: 'wrong-secret' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FunctionGraphRefusal);
    expect(err).toMatchObject({ status: 401, code: 'APIGW.0301' });
    expect(fake.functions().size).toBe(0);
  });
});
