/**
 * The SDK wrapper against the fake over real HTTP: typed answers from the API's snake_case ones,
 * the exact function found among similar names and across pages, refusals carrying the API's
 * error_code / error_msg, and the SDK's logger muted.
 */
import { tempDir } from '../../support/tmp';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeFunctionGraph, type FakeFunctionGraph } from '../../../emulator/functiongraph/fake-functiongraph';
import { FunctionGraphRefusal, SdkFunctionGraphApi, type FunctionConfig } from '../../../scripts/deploy-functiongraph/functiongraph-api';
import { writeZip } from '../../../scripts/zip-files';

// The SDK writes ~/.huaweicloud/application_id when it builds a client: keep that out of the real home.
process.env.HOME = tempDir('fg-home-');

const CREDS = { ak: 'APITESTAK', sk: 'api-test-sk', projectId: 'proj0001' };
let zip: Buffer;
let fake: FakeFunctionGraph;
let api: SdkFunctionGraphApi;

const config = (name: string): FunctionConfig => ({
  funcName: name,
  packageName: 'default',
  runtime: 'Node.js20.15',
  handler: 'index.handler',
  memorySize: 256,
  timeout: 15,
  description: 'd',
  userData: { A: '1' },
  encryptedUserData: { B_SECRET: 's' },
});

beforeAll(async () => {
  const path = join(tempDir('fg-api-'), 'f.zip');
  await writeZip(path, [{ name: 'index.js', data: 'exports.handler = async () => 1;' }]);
  zip = readFileSync(path);
  rmSync(dirname(path), { recursive: true, force: true });
});
beforeEach(async () => {
  fake = await startFakeFunctionGraph({ accessKey: CREDS.ak, secretKey: CREDS.sk, projectId: CREDS.projectId });
  api = new SdkFunctionGraphApi(fake.url, CREDS);
});
afterEach(async () => {
  await fake.close();
});

describe('SdkFunctionGraphApi', () => {
  it('creates a function and finds it again, with its variables parsed and the list\'s URN', async () => {
    const created = await api.createFunction(config('svc-dev-a'), zip, 'a.zip');
    expect(created.urn).toBe('urn:fss:cn-north-4:proj0001:function:default:svc-dev-a');
    const found = await api.findFunction('svc-dev-a', 'default');
    expect(found).toMatchObject({ urn: created.urn, name: 'svc-dev-a', runtime: 'Node.js20.15', handler: 'index.handler', memorySize: 256, timeout: 15, userData: { A: '1' }, description: 'd' });
    expect(found!.digest).toMatch(/^[0-9a-f]{128}$/);
    const create = fake.requests.find((r) => r.method === 'POST')!;
    expect(create.body).toMatchObject({ func_name: 'svc-dev-a', code_type: 'zip', code_filename: 'a.zip', func_code: { file: zip.toString('base64') }, user_data: '{"A":"1"}', type: 'v2' });
  });

  it('finds the exact name among names containing it, and nothing when there is none', async () => {
    await api.createFunction(config('svc-dev-a-longer'), zip, 'a.zip');
    expect(await api.findFunction('svc-dev-a', 'default')).toBeUndefined();
    await api.createFunction(config('svc-dev-a'), zip, 'a.zip');
    expect((await api.findFunction('svc-dev-a', 'default'))!.name).toBe('svc-dev-a');
    expect(await api.findFunction('svc-dev-a', 'other-app')).toBeUndefined();
  });

  it('creates, lists and deletes triggers', async () => {
    const { urn } = await api.createFunction(config('svc-dev-t'), zip, 't.zip');
    const t = await api.createTrigger(urn, 'TIMER', { name: 'x-timer', schedule_type: 'Rate', schedule: '5m', user_event: '' });
    expect(t).toMatchObject({ type: 'TIMER', status: 'ACTIVE', eventData: { schedule: '5m' } });
    expect((await api.listTriggers(urn)).map((x) => x.id)).toEqual([t.id]);
    await api.deleteTrigger(urn, t);
    expect(await api.listTriggers(urn)).toEqual([]);
  });

  it('a refusal carries the HTTP status, error_code and error_msg', async () => {
    fake.refuse({ method: 'POST', status: 429, error_code: 'FSS.0429', error_msg: 'Too many requests.' });
    const e = await api.createFunction(config('svc-dev-r'), zip, 'r.zip').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FunctionGraphRefusal);
    expect(e).toMatchObject({ operation: 'create function svc-dev-r', status: 429, code: 'FSS.0429', apiMessage: 'Too many requests.' });
    expect((e as Error).message).toMatch(/^FunctionGraph refused create function svc-dev-r: HTTP 429 FSS\.0429: Too many requests\. \(request id [0-9a-f]+\)$/);
  });

  it('a server that is not there is an error without an HTTP status', async () => {
    await fake.close();
    const e = await api.findFunction('x', 'default').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FunctionGraphRefusal);
    expect((e as FunctionGraphRefusal).status).toBeUndefined();
    fake = await startFakeFunctionGraph({ accessKey: CREDS.ak, secretKey: CREDS.sk, projectId: CREDS.projectId });
  });

  it('a refused call prints nothing: the SDK logger (signed headers, bodies) is muted', async () => {
    const printed: string[] = [];
    const spies = [process.stdout, process.stderr].map((stream) =>
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        printed.push(String(chunk));
        return true;
      }),
    );
    const logSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void printed.push(a.join(' '))));
    try {
      fake.refuse({ method: 'POST', status: 400, error_code: 'FSS.0400', error_msg: 'Invalid parameter.' });
      await expect(api.createFunction(config('svc-dev-q'), zip, 'q.zip')).rejects.toBeInstanceOf(FunctionGraphRefusal);
    } finally {
      for (const s of [...spies, ...logSpies]) s.mockRestore();
    }
    expect(printed).toEqual([]);
  });
});
