/** From serverless.yml's settings and the inputs to the functions and triggers FunctionGraph should hold. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { desiredFunctions, isSecretVariable } from '../../../scripts/deploy-functiongraph/desired-state';
import { parseInputs, type DeployInputs } from '../../../scripts/deploy-functiongraph/inputs';
import type { ServiceSettings } from '../../../scripts/deploy-functiongraph/service-settings';

const SETTINGS: ServiceSettings = {
  service: 'volcano-job-functions',
  stage: 'dev',
  functions: [
    {
      name: 'getJob',
      description: 'Fetch',
      memorySize: 256,
      timeout: 15,
      environment: { CCI_ENDPOINT: 'https://cci', CCI_SECRET_KEY: 's1', IAM_PASSWORD: 'p', KUBECONFIG_DATA: 'k', KUBE_CLIENT_KEY: 'key', WEBHOOK_SECRET: 'w', CCI_TOKEN: 't', CCI_SECURITY_TOKEN: 'st', IAM_USER: 'u' },
      httpRoutes: [{ method: 'GET', path: '/namespaces/{namespace}/jobs/{name}' }],
      schedules: [],
    },
    { name: 'sweepJobs', memorySize: 256, timeout: 120, environment: {}, httpRoutes: [], schedules: ['rate(5 minutes)'] },
    { name: 'patchFromQueue', memorySize: 256, timeout: 30, environment: {}, httpRoutes: [], schedules: [], queue: { batchSize: 10 } },
  ],
};
const ZIPS = new Map(SETTINGS.functions.map((f) => [f.name, Buffer.from(`zip of ${f.name}`)]));

function inputs(env: Record<string, string> = {}, argv: string[] = []): DeployInputs {
  const r = parseInputs(argv, { HUAWEICLOUD_SDK_AK: 'a', HUAWEICLOUD_SDK_SK: 's', HUAWEICLOUD_SDK_PROJECT_ID: 'p', FUNCTIONGRAPH_APIG_GROUP_ID: 'grp', ...env });
  if (r === 'help') throw new Error('help');
  return r;
}

describe('desiredFunctions', () => {
  it('names functions <service>-<stage>-<name> with Node.js20.15, index.handler, and the zip\'s SHA-512 as digest', () => {
    const [get] = desiredFunctions(SETTINGS, inputs(), ZIPS);
    expect(get).toMatchObject({ funcName: 'volcano-job-functions-dev-getJob', runtime: 'Node.js20.15', handler: 'index.handler', memorySize: 256, timeout: 15, zipName: 'getJob.zip', description: 'Fetch' });
    expect(get!.digest).toBe(createHash('sha512').update(ZIPS.get('getJob')!).digest('hex'));
  });

  it('puts secret variables in encrypted user data and the rest in user data', () => {
    const [get] = desiredFunctions(SETTINGS, inputs(), ZIPS);
    expect(get!.userData).toEqual({ CCI_ENDPOINT: 'https://cci', IAM_USER: 'u' });
    expect(Object.keys(get!.encryptedUserData).sort()).toEqual(['CCI_SECRET_KEY', 'CCI_SECURITY_TOKEN', 'CCI_TOKEN', 'IAM_PASSWORD', 'KUBECONFIG_DATA', 'KUBE_CLIENT_KEY', 'WEBHOOK_SECRET']);
    expect(isSecretVariable('ALLOWED_NAMESPACES')).toBe(false);
    expect(isSecretVariable('KUBE_CA_CERT')).toBe(false);
  });

  it('maps each route to an APIG trigger on the given group, and to DEDICATEDGATEWAY when an instance is given', () => {
    const [get] = desiredFunctions(SETTINGS, inputs({ FUNCTIONGRAPH_APIG_AUTH: 'APP' }), ZIPS);
    expect(get!.triggers).toEqual([
      {
        type: 'APIG',
        label: 'APIG GET /namespaces/{namespace}/jobs/{name}',
        eventData: expect.objectContaining({ name: 'volcano_job_functions_dev_getJob_GET', group_id: 'grp', path: '/namespaces/{namespace}/jobs/{name}', req_method: 'GET', auth: 'APP', match_mode: 'NORMAL', func_info: { timeout: 15000 } }),
      },
    ]);
    const [dedicated] = desiredFunctions(SETTINGS, inputs({ FUNCTIONGRAPH_APIG_INSTANCE_ID: 'inst' }), ZIPS);
    expect(dedicated!.triggers[0]).toMatchObject({ type: 'DEDICATEDGATEWAY', eventData: { instance_id: 'inst' } });
  });

  it('a TIMER from the schedule with the user_event input; Kafka only when instance and topic are given', () => {
    const fns = desiredFunctions(SETTINGS, inputs({ FUNCTIONGRAPH_TIMER_USER_EVENT: '{"namespaces":["a"]}' }), ZIPS);
    expect(fns[1]!.triggers).toEqual([
      { type: 'TIMER', label: 'TIMER Rate 5m', eventData: { name: 'sweepJobs-timer', schedule_type: 'Rate', schedule: '5m', user_event: '{"namespaces":["a"]}' } },
    ]);
    expect(fns[2]!.triggers).toEqual([]);
    const withKafka = desiredFunctions(SETTINGS, inputs({ FUNCTIONGRAPH_KAFKA_INSTANCE_ID: 'i', FUNCTIONGRAPH_KAFKA_TOPIC: 't' }), ZIPS);
    expect(withKafka[2]!.triggers).toEqual([{ type: 'KAFKA', label: 'KAFKA i t', eventData: { instance_id: 'i', topic_ids: ['t'], batch_size: 10 } }]);
  });

  it('an agency only when given', () => {
    expect(desiredFunctions(SETTINGS, inputs(), ZIPS)[0]!.xrole).toBeUndefined();
    expect(desiredFunctions(SETTINGS, inputs({}, ['--xrole', 'cci']), ZIPS)[0]!.xrole).toBe('cci');
  });

  it('refuses HTTP functions without an API group, and a function without a zip', () => {
    expect(() => desiredFunctions(SETTINGS, inputs({ FUNCTIONGRAPH_APIG_GROUP_ID: '' }), ZIPS)).toThrow(/getJob has HTTP routes: set the API Gateway group with --apig-group-id or FUNCTIONGRAPH_APIG_GROUP_ID/);
    const missing = new Map(ZIPS);
    missing.delete('sweepJobs');
    expect(() => desiredFunctions(SETTINGS, inputs(), missing)).toThrow(/no FunctionGraph zip was built for sweepJobs/);
  });
});
