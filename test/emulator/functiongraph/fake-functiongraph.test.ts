/**
 * The local FunctionGraph fake, spoken to with plain fetch and the project's signer: it refuses
 * unsigned or wrongly signed requests as the gateway does, answers in the API's shapes and error
 * shape, validates what the real API validates for the fields the deploy sends, records requests,
 * and refuses on demand.
 */
import { tempDir } from '../../support/tmp';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeFunctionGraph, type FakeFunctionGraph } from '../../../emulator/functiongraph/fake-functiongraph';
import { signRequest } from '../../../lib/credentials/aksk-signer';
import { writeZip } from '../../../scripts/zip-files';

const CREDS = { accessKey: 'FAKETESTAK', secretKey: 'fake-test-sk', projectId: 'p123' };
let fake: FakeFunctionGraph;
let zipB64: string;

beforeAll(async () => {
  const path = join(tempDir('fg-fake-'), 'f.zip');
  await writeZip(path, [{ name: 'index.js', data: 'exports.handler = async () => 1;' }]);
  zipB64 = readFileSync(path).toString('base64');
  rmSync(dirname(path), { recursive: true, force: true });
});
beforeEach(async () => {
  fake = await startFakeFunctionGraph(CREDS);
});
afterEach(async () => {
  await fake.close();
});

async function call(method: string, path: string, body?: unknown, creds = CREDS): Promise<{ status: number; json: unknown }> {
  const url = `${fake.url}/v2/p123/fgs${path}`;
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers = signRequest({ method, url, headers: { 'Content-Type': 'application/json' }, ...(text ? { body: text } : {}) }, creds);
  const res = await fetch(url, { method, headers, ...(text ? { body: text } : {}) });
  const raw = await res.text();
  return { status: res.status, json: raw ? (JSON.parse(raw) as unknown) : undefined };
}

const FN = () => ({ func_name: 'svc-dev-a', package: 'default', runtime: 'Node.js20.15', handler: 'index.handler', memory_size: 256, timeout: 15, code_type: 'zip', code_filename: 'a.zip', func_code: { file: zipB64 }, user_data: '{"A":"1"}' });

describe('fake FunctionGraph', () => {
  it('refuses unsigned and wrongly signed requests with 401 APIGW.0301, and records them', async () => {
    const unsigned = await fetch(`${fake.url}/v2/p123/fgs/functions`);
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ error_code: 'APIGW.0301', error_msg: expect.stringContaining('missing Authorization header') });
    const wrong = await call('GET', '/functions', undefined, { ...CREDS, secretKey: 'other' });
    expect(wrong).toMatchObject({ status: 401, json: { error_code: 'APIGW.0301', error_msg: expect.stringContaining('signature mismatch') } });
    expect(fake.requests).toHaveLength(2);
    expect(fake.writes()).toEqual([]);
  });

  it('creates, shows (URN with :latest), lists (URN without) and digests the code with SHA-512', async () => {
    const created = await call('POST', '/functions', FN());
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ func_urn: 'urn:fss:cn-north-4:p123:function:default:svc-dev-a', runtime: 'Node.js20.15', code_size: Buffer.from(zipB64, 'base64').length });
    const shown = await call('GET', '/functions/urn:fss:cn-north-4:p123:function:default:svc-dev-a/config');
    expect(shown.json).toMatchObject({ func_urn: 'urn:fss:cn-north-4:p123:function:default:svc-dev-a:latest', user_data: '{"A":"1"}' });
    const { createHash } = await import('node:crypto');
    expect((shown.json as { digest: string }).digest).toBe(createHash('sha512').update(Buffer.from(zipB64, 'base64')).digest('hex'));
    const list = await call('GET', '/functions?package_name=default&func_name=dev-a');
    expect(list.json).toMatchObject({ count: 1, next_marker: 1, functions: [{ func_urn: 'urn:fss:cn-north-4:p123:function:default:svc-dev-a' }] });
    expect(fake.writes().map((w) => w.method)).toEqual(['POST']);
  });

  it('validates as the API does: runtime, memory, code, duplicate names', async () => {
    expect(await call('POST', '/functions', { ...FN(), runtime: 'Node.js22' })).toMatchObject({ status: 400, json: { error_code: 'FSS.1005' } });
    expect(await call('POST', '/functions', { ...FN(), memory_size: 300 })).toMatchObject({ status: 400, json: { error_code: 'FSS.1007' } });
    expect(await call('POST', '/functions', { ...FN(), func_code: { file: Buffer.from('not a zip').toString('base64') } })).toMatchObject({ status: 400, json: { error_code: 'FSS.1011' } });
    expect(await call('POST', '/functions', { ...FN(), user_data: '{"A":1}' })).toMatchObject({ status: 400, json: { error_code: 'FSS.1009' } });
    expect((await call('POST', '/functions', FN())).status).toBe(200);
    expect(await call('POST', '/functions', FN())).toMatchObject({ status: 409, json: { error_code: 'FSS.0409' } });
  });

  it('triggers: APIG gets an invoke URL, Kafka forgets its password and starts DISABLED unless asked, deletes need the URN without :latest', async () => {
    await call('POST', '/functions', FN());
    const urn = 'urn:fss:cn-north-4:p123:function:default:svc-dev-a';
    const apig = await call('POST', `/triggers/${urn}`, {
      trigger_type_code: 'APIG',
      trigger_status: 'ACTIVE',
      event_data: { name: 'api', group_id: 'grp', env_id: 'env', auth: 'NONE', protocol: 'HTTPS', path: '/p/{x}', req_method: 'GET' },
    });
    expect(apig).toMatchObject({ status: 201, json: { trigger_type_code: 'APIG', event_data: { invoke_url: 'https://grp.apig.cn-north-4.huaweicloudapis.com/p/{x}' } } });
    const kafka = await call('POST', `/triggers/${urn}`, { trigger_type_code: 'KAFKA', event_data: { instance_id: 'i', topic_ids: ['t'], kafka_password: 'pw' } });
    expect(kafka.json).toMatchObject({ trigger_status: 'DISABLED' });
    expect(JSON.stringify(kafka.json)).not.toContain('pw');
    const id = (kafka.json as { trigger_id: string }).trigger_id;
    expect((await call('DELETE', `/triggers/${urn}:latest/KAFKA/${id}`)).status).toBe(400);
    expect((await call('DELETE', `/triggers/${urn}/KAFKA/${id}`)).status).toBe(204);
    expect(((await call('GET', `/triggers/${urn}`)).json as unknown[]).length).toBe(1);
  });

  it('refuses on demand, as many times as asked, with the API\'s error shape', async () => {
    fake.refuse({ method: 'GET', path: /\/functions$/, status: 403, error_code: 'FSS.0403', error_msg: 'Forbidden', times: 2 });
    expect(await call('GET', '/functions')).toEqual({ status: 403, json: { error_code: 'FSS.0403', error_msg: 'Forbidden' } });
    expect((await call('GET', '/functions')).status).toBe(403);
    expect((await call('GET', '/functions')).status).toBe(200);
  });

  it('answers 403 for another project and 404 for an unknown function', async () => {
    const url = `${fake.url}/v2/other/fgs/functions`;
    const res = await fetch(url, { headers: signRequest({ method: 'GET', url }, CREDS) });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error_code: 'FSS.0403' });
    expect(await call('GET', '/functions/urn:fss:cn-north-4:p123:function:default:nope/config')).toMatchObject({ status: 404, json: { error_code: 'FSS.0404' } });
  });
});
