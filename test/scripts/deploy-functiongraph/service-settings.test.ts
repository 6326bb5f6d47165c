/**
 * serverless.yml as the deploy reads it: the real file (so a function added there is deployed to
 * FunctionGraph too) and a file using every variable form, CloudFormation tags included.
 */
import { tempDir } from '../../support/tmp';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readServiceSettings, SERVERLESS_YML } from '../../../scripts/deploy-functiongraph/service-settings';

function yml(text: string): string {
  const file = join(tempDir('sls-yml-'), 'serverless.yml');
  writeFileSync(file, text);
  return file;
}

const SAMPLE = `
service: svc
provider:
  name: aws
  stage: \${opt:stage, 'dev'}
  memorySize: 512
  timeout: 10
  environment:
    PLAIN: hello
    FROM_ENV: \${env:FROM_ENV, 'fallback'}
    EMPTY: \${env:NOT_SET, ''}
    NO_FALLBACK: \${env:NOT_SET_EITHER}
    STAGE_NAME: \${self:service}-\${sls:stage}
    RATE_COPY: \${param:rate}
    SELF_REF: \${self:custom.value}
    NUMBER: 42
    CFN: !Ref SomeQueue
params:
  default:
    rate: rate(5 minutes)
  prod:
    rate: rate(1 hour)
custom:
  value: from-custom
functions:
  web:
    handler: functions/web.handler
    description: A web function
    memorySize: 128
    environment:
      PLAIN: overridden
      QUEUE: \${env:QUEUE_URL, self:resources.Outputs.Q.Value}
    events:
      - httpApi:
          method: get
          path: /things/{id}
      - httpApi: 'POST /things'
  cron:
    handler: functions/cron.handler
    timeout: 60
    events:
      - schedule:
          rate: \${param:rate}
      - schedule:
          rate: rate(1 day)
          enabled: false
  worker:
    handler: functions/worker.handler
    events:
      - sqs:
          arn: !GetAtt Q.Arn
          batchSize: 7
resources:
  Outputs:
    Q:
      Value: !Ref Q
`;

describe('readServiceSettings on a file using every variable form', () => {
  const file = yml(SAMPLE);

  it('resolves opt/sls/env/param/self with fallbacks, drops empty and AWS-only values, lets the function override the provider', () => {
    const s = readServiceSettings({ file, env: { FROM_ENV: 'from-shell' } });
    expect(s.service).toBe('svc');
    expect(s.stage).toBe('dev');
    const web = s.functions.find((f) => f.name === 'web')!;
    expect(web.environment).toEqual({
      PLAIN: 'overridden',
      FROM_ENV: 'from-shell',
      STAGE_NAME: 'svc-dev',
      RATE_COPY: 'rate(5 minutes)',
      SELF_REF: 'from-custom',
      NUMBER: '42',
    });
    expect(web).toMatchObject({ description: 'A web function', memorySize: 128, timeout: 10 });
    expect(web.httpRoutes).toEqual([
      { method: 'GET', path: '/things/{id}' },
      { method: 'POST', path: '/things' },
    ]);
  });

  it('takes env fallbacks when the shell has nothing, and the env value over a CloudFormation fallback', () => {
    const s = readServiceSettings({ file, env: { QUEUE_URL: 'https://q' } });
    const web = s.functions.find((f) => f.name === 'web')!;
    expect(web.environment.FROM_ENV).toBe('fallback');
    expect(web.environment.QUEUE).toBe('https://q');
  });

  it('uses params.<stage> over params.default, and skips disabled schedules', () => {
    expect(readServiceSettings({ file, env: {} }).functions.find((f) => f.name === 'cron')!.schedules).toEqual(['rate(5 minutes)']);
    const prod = readServiceSettings({ file, stage: 'prod', env: {} });
    expect(prod.stage).toBe('prod');
    expect(prod.functions.find((f) => f.name === 'cron')).toMatchObject({ schedules: ['rate(1 hour)'], timeout: 60, memorySize: 512 });
    expect(prod.functions.find((f) => f.name === 'web')!.environment.STAGE_NAME).toBe('svc-prod');
  });

  it('reads a queue source and its batch size', () => {
    const worker = readServiceSettings({ file, env: {} }).functions.find((f) => f.name === 'worker')!;
    expect(worker.queue).toEqual({ batchSize: 7 });
    expect(worker.httpRoutes).toEqual([]);
  });

  it('refuses a memory size that is not a positive integer', () => {
    const bad = yml(SAMPLE.replace('memorySize: 128', 'memorySize: lots'));
    expect(() => readServiceSettings({ file: bad, env: {} })).toThrow(/functions\.web\.memorySize/);
  });
});

describe('readServiceSettings on the project serverless.yml', () => {
  it('lists exactly the functions of serverless.yml, each with its own timeout and events', () => {
    const raw = parse(readFileSync(SERVERLESS_YML, 'utf8'), { logLevel: 'silent' }) as { functions: Record<string, unknown> };
    const s = readServiceSettings({ env: {} });
    expect(s.functions.map((f) => f.name)).toEqual(Object.keys(raw.functions));
    expect(s.service).toBe('volcano-job-functions');
    const sweep = s.functions.find((f) => f.name === 'sweepJobs')!;
    expect(sweep.schedules).toEqual(['rate(5 minutes)']);
    expect(readServiceSettings({ stage: 'prod', env: {} }).functions.find((f) => f.name === 'sweepJobs')!.schedules).toEqual(['rate(2 minutes)']);
    expect(s.functions.find((f) => f.name === 'patchFromQueue')!.queue).toEqual({ batchSize: 10 });
    // FAILED_PATCHES_QUEUE_URL falls back to a CloudFormation output on AWS: unset elsewhere.
    expect(s.functions.find((f) => f.name === 'patchFromQueue')!.environment).not.toHaveProperty('FAILED_PATCHES_QUEUE_URL');
    expect(s.functions.find((f) => f.name === 'getJob')!.httpRoutes).toEqual([{ method: 'GET', path: '/namespaces/{namespace}/jobs/{name}' }]);
  });
});
