/** Field-by-field comparison of desired and deployed state: what is created, updated, replaced or left alone. */
import { describe, expect, it } from 'vitest';
import type { DesiredFunction, DesiredTrigger } from '../../../scripts/deploy-functiongraph/desired-state';
import type { DeployedFunction, DeployedTrigger } from '../../../scripts/deploy-functiongraph/functiongraph-api';
import { planFunction, planTriggers } from '../../../scripts/deploy-functiongraph/plan';
import { secretsHash } from '../../../scripts/deploy-functiongraph/secrets-marker';

const TIMER: DesiredTrigger = { type: 'TIMER', label: 'TIMER Rate 5m', eventData: { name: 'sweepJobs-timer', schedule_type: 'Rate', schedule: '5m', user_event: '' } };
const APIG: DesiredTrigger = {
  type: 'APIG',
  label: 'APIG GET /x',
  eventData: { name: 'n', group_id: 'g', env_id: 'e', env_name: 'RELEASE', auth: 'NONE', protocol: 'HTTPS', path: '/x', req_method: 'GET', match_mode: 'NORMAL', backend_type: 'FUNCTION', type: 1, func_info: { timeout: 5000 } },
};
const SALT = '0123456789abcdef';
const MARKER = `[secrets ${SALT}:${secretsHash(SALT, { B_PASSWORD: 'p' })}]`;
const DESIRED: DesiredFunction = {
  key: 'sweepJobs',
  funcName: 'svc-dev-sweepJobs',
  packageName: 'default',
  runtime: 'Node.js20.15',
  handler: 'index.handler',
  memorySize: 256,
  timeout: 120,
  description: 'Sweep',
  userData: { A: '1' },
  encryptedUserData: { B_PASSWORD: 'p' },
  zip: Buffer.from('z'),
  zipName: 'sweepJobs.zip',
  digest: 'abc',
  triggers: [TIMER, APIG],
};
const DEPLOYED: DeployedFunction = {
  urn: 'urn:fss:r:p:function:default:svc-dev-sweepJobs',
  name: 'svc-dev-sweepJobs',
  runtime: 'Node.js20.15',
  handler: 'index.handler',
  memorySize: 256,
  timeout: 120,
  digest: 'abc',
  userData: { A: '1' },
  xrole: 'agency',
  description: `Sweep ${MARKER}`,
};
const TRIGGERS: DeployedTrigger[] = [
  { id: 't1', type: 'TIMER', status: 'ACTIVE', eventData: { name: 'sweepJobs-timer', schedule_type: 'Rate', schedule: '5m', user_event: '' } },
  { id: 'a1', type: 'APIG', status: 'ACTIVE', eventData: { group_id: 'g', path: '/x', req_method: 'GET', auth: 'NONE', env_id: '', invoke_url: 'https://u' } },
];

describe('planFunction', () => {
  it('a missing function is created with all its triggers', () => {
    const p = planFunction(DESIRED, undefined, []);
    expect(p).toMatchObject({ action: 'create', codeChanged: true, configChanges: [] });
    expect(p.triggers.map((t) => t.action)).toEqual(['create', 'create']);
  });

  it('an identical function with its triggers is left alone (an agency set earlier counts as identical when none is asked for)', () => {
    const p = planFunction(DESIRED, DEPLOYED, TRIGGERS);
    expect(p).toMatchObject({ action: 'unchanged', codeChanged: false, configChanges: [] });
    expect(p.triggers.map((t) => [t.action, t.existing?.id])).toEqual([['unchanged', 't1'], ['unchanged', 'a1']]);
  });

  it('names each configuration field that differs, and the code when the digest differs', () => {
    const p = planFunction(
      { ...DESIRED, memorySize: 512, userData: { A: '2' }, encryptedUserData: {}, xrole: 'other', description: undefined },
      { ...DEPLOYED, digest: 'old', timeout: 60, handler: 'main.handler', runtime: 'Node.js18.15' },
      TRIGGERS,
    );
    expect(p.action).toBe('update');
    expect(p.codeChanged).toBe(true);
    expect(p.configChanges).toEqual(['runtime', 'handler', 'memory_size', 'timeout', 'description', 'user_data', 'encrypted_user_data', 'xrole']);
  });

  it('an added or removed variable is a change, the order of variables is not', () => {
    expect(planFunction({ ...DESIRED, userData: { A: '1', C: '3' } }, DEPLOYED, TRIGGERS).configChanges).toEqual(['user_data']);
    expect(planFunction({ ...DESIRED, userData: {} }, DEPLOYED, TRIGGERS).configChanges).toEqual(['user_data']);
    expect(planFunction({ ...DESIRED, userData: { X: '1', A: '1' } }, { ...DEPLOYED, userData: { A: '1', X: '1' } }, TRIGGERS).action).toBe('unchanged');
  });

  it('encrypted variables are compared through the fingerprint at the end of the description, the text apart', () => {
    expect(planFunction({ ...DESIRED, encryptedUserData: { B_PASSWORD: 'other' } }, DEPLOYED, TRIGGERS).configChanges).toEqual(['encrypted_user_data']);
    expect(planFunction({ ...DESIRED, encryptedUserData: { B_PASSWORD: 'p', C_TOKEN: 't' } }, DEPLOYED, TRIGGERS).configChanges).toEqual(['encrypted_user_data']);
    expect(planFunction(DESIRED, { ...DEPLOYED, description: 'Sweep' }, TRIGGERS).configChanges).toEqual(['encrypted_user_data']);
    expect(planFunction({ ...DESIRED, description: 'Sweep v2' }, DEPLOYED, TRIGGERS).configChanges).toEqual(['description']);
    expect(planFunction({ ...DESIRED, encryptedUserData: {} }, { ...DEPLOYED, description: 'Sweep' }, TRIGGERS).action).toBe('unchanged');
    // Removing every secret is a change too (the marker must go).
    expect(planFunction({ ...DESIRED, encryptedUserData: {} }, DEPLOYED, TRIGGERS).configChanges).toEqual(['encrypted_user_data']);
  });
});

describe('planTriggers', () => {
  it('a TIMER with another schedule or user_event is replaced, naming what differs', () => {
    const [t] = planTriggers([TIMER], [{ ...TRIGGERS[0]!, eventData: { name: 'sweepJobs-timer', schedule_type: 'Rate', schedule: '2m', user_event: 'x' } }]);
    expect(t).toMatchObject({ action: 'replace', changes: ['schedule', 'user_event'], existing: { id: 't1' } });
  });

  it('an APIG trigger on another route or group is not this one', () => {
    expect(planTriggers([APIG], [{ ...TRIGGERS[1]!, eventData: { group_id: 'g', path: '/y', req_method: 'GET' } }])[0]!.action).toBe('create');
    expect(planTriggers([APIG], [{ ...TRIGGERS[1]!, eventData: { group_id: 'h', path: '/x', req_method: 'GET' } }])[0]!.action).toBe('create');
    expect(planTriggers([APIG], [{ ...TRIGGERS[1]!, eventData: { group_id: 'g', path: '/x', req_method: 'get', auth: 'IAM' } }])[0]).toMatchObject({ action: 'replace', changes: ['auth'] });
  });

  it('one deployed trigger answers for one desired trigger only', () => {
    const steps = planTriggers([TIMER, TIMER], [TRIGGERS[0]!]);
    expect(steps.map((s) => s.action)).toEqual(['unchanged', 'create']);
  });

  it('Kafka: same instance and topic is the same trigger; another batch size replaces it', () => {
    const kafka: DesiredTrigger = { type: 'KAFKA', label: 'KAFKA i t', eventData: { instance_id: 'i', topic_ids: ['t'], batch_size: 10 } };
    const deployed: DeployedTrigger = { id: 'k1', type: 'KAFKA', eventData: { instance_id: 'i', topic_ids: ['t'], batch_size: 10 } };
    expect(planTriggers([kafka], [deployed])[0]!.action).toBe('unchanged');
    expect(planTriggers([kafka], [{ ...deployed, eventData: { ...deployed.eventData, batch_size: 100 } }])[0]).toMatchObject({ action: 'replace', changes: ['batch_size'] });
    expect(planTriggers([kafka], [{ ...deployed, eventData: { instance_id: 'i', topic_ids: ['other'] } }])[0]!.action).toBe('create');
  });
});
