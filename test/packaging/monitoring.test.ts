/**
 * `serverless package` output for watching the fleet: the listJobs function and route, the sweep's
 * optional SNS topic per stage (params) with sns:Publish on it only, the alarms (stuck jobs,
 * transitions to Failed / Aborted, function errors and throttles, the patch queues) and the
 * CloudWatch dashboard, read from the packaged CloudFormation template. Packaged three times, on a
 * copy of the service: stage `prod` (its own topic and an e-mail subscription through params), stage
 * `dev` with an existing topic named in the shell, and stage `qa` with neither.
 */
import { tempDir } from '../support/tmp';
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SKIP = new Set(['node_modules', '.git', '.serverless', '.esbuild', 'dist', 'coverage']);
const EXISTING_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ops-volcano';

type Obj = Record<string, any>;
let dir: string;
let prod: Obj;
let dev: Obj;
let plain: Obj;

function packageStage(args: string[], extraEnv: Record<string, string>, out: string): Obj {
  const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', ...extraEnv };
  for (const k of ['FAILED_PATCHES_QUEUE_URL', 'SWEEP_EVENTS_QUEUE_URL', 'IAM_CREDENTIALS_SECRET']) delete env[k];
  if (!extraEnv.SWEEP_EVENTS_TOPIC_ARN) delete env.SWEEP_EVENTS_TOPIC_ARN;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/serverless/bin/serverless.js'), 'package', '--package', join(dir, out), ...args], {
    cwd: dir,
    timeout: 150_000,
    stdio: 'pipe',
    env,
  });
  return JSON.parse(readFileSync(join(dir, out, 'cloudformation-template-update-stack.json'), 'utf8'));
}

beforeAll(() => {
  dir = tempDir('sls-monitoring-');
  for (const entry of readdirSync(ROOT)) {
    if (SKIP.has(entry)) continue;
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  prod = packageStage(['--stage', 'prod', '--param=notifyEmail=ops@example.com', '--param=stuckAlarmPeriods=6'], {}, 'out-prod');
  dev = packageStage(['--stage', 'dev'], { SWEEP_EVENTS_TOPIC_ARN: EXISTING_TOPIC }, 'out-dev');
  plain = packageStage(['--stage', 'qa'], {}, 'out-qa');
}, 420_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ref = (id: string) => ({ Ref: id });
/** Evaluates a condition of the template as CloudFormation would (the inputs are literals after packaging). */
function holds(t: Obj, cond: unknown): boolean {
  const c = cond as Obj;
  if (typeof c === 'object' && c !== null) {
    if ('Condition' in c) return holds(t, t.Conditions[c.Condition]);
    if ('Fn::Equals' in c) return c['Fn::Equals'][0] === c['Fn::Equals'][1];
    if ('Fn::Not' in c) return !holds(t, c['Fn::Not'][0]);
    if ('Fn::Or' in c) return c['Fn::Or'].some((x: unknown) => holds(t, x));
    if ('Fn::And' in c) return c['Fn::And'].every((x: unknown) => holds(t, x));
  }
  throw new Error(`not a condition: ${JSON.stringify(cond)}`);
}
const condition = (t: Obj, name: string) => holds(t, t.Conditions[name]);
/** Resolves Fn::If with the template's conditions. */
function pick(t: Obj, v: unknown): unknown {
  const o = v as Obj;
  if (o && typeof o === 'object' && 'Fn::If' in o) return pick(t, condition(t, o['Fn::If'][0]) ? o['Fn::If'][1] : o['Fn::If'][2]);
  if (Array.isArray(v)) return v.map((x) => pick(t, x));
  return v;
}

describe('listJobs in the CloudFormation template', () => {
  it('is its own function behind GET /namespaces/{namespace}/jobs', () => {
    const fn = prod.Resources.ListJobsLambdaFunction;
    expect(fn.Type).toBe('AWS::Lambda::Function');
    expect(fn.Properties.Handler).toBe('functions/listJobs.handler');
    const routes = Object.values(prod.Resources).filter((r: any) => r.Type === 'AWS::ApiGatewayV2::Route').map((r: any) => r.Properties.RouteKey);
    expect(routes).toEqual(expect.arrayContaining(['GET /namespaces/{namespace}/jobs', 'GET /namespaces/{namespace}/jobs/{name}']));
  });
});

describe('sweep notifications topic', () => {
  it('prod (params.sweepEventsTopic: true): a topic, an e-mail subscription, SWEEP_EVENTS_TOPIC_ARN set to it, sns:Publish on it only', () => {
    expect(condition(prod, 'CreateSweepEventsTopic')).toBe(true);
    expect(prod.Resources.SweepEventsTopic).toMatchObject({ Type: 'AWS::SNS::Topic', Condition: 'CreateSweepEventsTopic', Properties: { TopicName: 'volcano-job-functions-prod-sweep-events' } });
    const sub = prod.Resources.SweepEventsEmailSubscription;
    expect(sub).toMatchObject({ Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: ref('SweepEventsTopic') } });
    expect(condition(prod, sub.Condition)).toBe(true);
    expect(pick(prod, prod.Resources.SweepJobsLambdaFunction.Properties.Environment.Variables.SWEEP_EVENTS_TOPIC_ARN)).toEqual(ref('SweepEventsTopic'));
    const policy = prod.Resources.SweepEventsPublishPolicy;
    expect(condition(prod, policy.Condition)).toBe(true);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([{ Effect: 'Allow', Action: ['sns:Publish'], Resource: expect.anything() }]);
    expect(pick(prod, policy.Properties.PolicyDocument.Statement[0].Resource)).toEqual(ref('SweepEventsTopic'));
    // No other statement anywhere grants SNS.
    const statements = Object.values(prod.Resources)
      .filter((r: any) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::Role')
      .flatMap((r: any) => [r.Properties.PolicyDocument, ...(r.Properties.Policies ?? []).map((p: any) => p.PolicyDocument)].filter(Boolean).flatMap((d: any) => d.Statement));
    const sns = statements.filter((s: any) => JSON.stringify(s.Action).includes('sns:'));
    expect(sns).toHaveLength(1);
  });

  it('dev with SWEEP_EVENTS_TOPIC_ARN in the shell: no topic of its own, that ARN in the variable and the policy', () => {
    expect(condition(dev, 'CreateSweepEventsTopic')).toBe(false);
    expect(condition(dev, 'HasNotifyEmail')).toBe(false);
    expect(pick(dev, dev.Resources.SweepJobsLambdaFunction.Properties.Environment.Variables.SWEEP_EVENTS_TOPIC_ARN)).toBe(EXISTING_TOPIC);
    expect(condition(dev, dev.Resources.SweepEventsPublishPolicy.Condition)).toBe(true);
    expect(pick(dev, dev.Resources.SweepEventsPublishPolicy.Properties.PolicyDocument.Statement[0].Resource)).toBe(EXISTING_TOPIC);
    // Alarms have nowhere to go unless alarmTopicArn is given.
    expect(condition(dev, 'NotifiesAlarms')).toBe(false);
  });

  it('neither: a plain empty SWEEP_EVENTS_TOPIC_ARN (what invoke local and serverless-offline see too), no topic, no SNS permission', () => {
    expect(plain.Resources.SweepJobsLambdaFunction.Properties.Environment.Variables.SWEEP_EVENTS_TOPIC_ARN).toBe('');
    expect(condition(plain, 'CreateSweepEventsTopic')).toBe(false);
    expect(condition(plain, plain.Resources.SweepEventsPublishPolicy.Condition)).toBe(false);
    expect(condition(plain, 'NotifiesAlarms')).toBe(false);
  });
});

describe('alarms', () => {
  const alarm = (id: string) => prod.Resources[id];
  it('stuck jobs > 0 for params.stuckAlarmPeriods periods of 5 minutes, on the fleet-wide sweep metric', () => {
    expect(alarm('StuckJobsAlarm').Properties).toMatchObject({
      Namespace: 'VolcanoJobs',
      MetricName: 'Stuck',
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // A --param arrives as a string; CloudFormation takes "6" for an integer property.
    expect(Number(alarm('StuckJobsAlarm').Properties.EvaluationPeriods)).toBe(6);
    expect(Number(alarm('StuckJobsAlarm').Properties.DatapointsToAlarm)).toBe(6);
    expect(alarm('StuckJobsAlarm').Properties.Dimensions).toBeUndefined();
    expect(dev.Resources.StuckJobsAlarm.Properties.EvaluationPeriods).toBe(3);
  });

  it('any transition to Failed or Aborted', () => {
    for (const [id, metric] of [['FailedJobsAlarm', 'Transitions.Failed'], ['AbortedJobsAlarm', 'Transitions.Aborted']] as const) {
      expect(alarm(id).Properties).toMatchObject({ Namespace: 'VolcanoJobs', MetricName: metric, Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
    }
  });

  it('errors and throttles of every function, summed', () => {
    for (const [id, metric] of [['FunctionErrorsAlarm', 'Errors'], ['FunctionThrottlesAlarm', 'Throttles']] as const) {
      const metrics = alarm(id).Properties.Metrics as Obj[];
      const stats = metrics.filter((m) => m.MetricStat);
      expect(stats.map((m) => m.MetricStat.Metric.Dimensions[0].Value)).toEqual(
        ['GetJob', 'PatchJob', 'ListJobs', 'PatchFromQueue', 'SweepJobs'].map((f) => ref(`${f}LambdaFunction`)),
      );
      for (const m of stats) expect(m.MetricStat).toMatchObject({ Stat: 'Sum', Metric: { Namespace: 'AWS/Lambda', MetricName: metric } });
      const total = metrics.find((m) => m.ReturnData)!;
      expect(total.Expression).toBe(`SUM([${stats.map((m) => m.Id).join(',')}])`);
      expect(alarm(id).Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('the patch queue: age of the oldest message; depth of PatchRequestsDLQ and FailedPatchesQueue', () => {
    const q = (id: string) => alarm(id).Properties;
    expect(q('PatchQueueAgeAlarm')).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 900, Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['PatchRequestsQueue', 'QueueName'] } }] });
    expect(q('PatchRequestsDLQDepthAlarm')).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0, Dimensions: [{ Value: { 'Fn::GetAtt': ['PatchRequestsDLQ', 'QueueName'] } }] });
    expect(q('FailedPatchesDepthAlarm')).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0, Dimensions: [{ Value: { 'Fn::GetAtt': ['FailedPatchesQueue', 'QueueName'] } }] });
  });

  it('every alarm notifies the stage topic in prod, and has a description', () => {
    const alarms = Object.entries(prod.Resources).filter(([, r]: [string, any]) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.map(([id]) => id).sort()).toEqual(
      ['AbortedJobsAlarm', 'FailedJobsAlarm', 'FailedPatchesDepthAlarm', 'FunctionErrorsAlarm', 'FunctionThrottlesAlarm', 'PatchQueueAgeAlarm', 'PatchRequestsDLQDepthAlarm', 'StuckJobsAlarm'].sort(),
    );
    for (const [, a] of alarms as Array<[string, any]>) {
      expect(pick(prod, a.Properties.AlarmActions)).toEqual([ref('SweepEventsTopic')]);
      expect(a.Properties.AlarmDescription.length).toBeGreaterThan(20);
      expect(a.Properties.AlarmName).toMatch(/^volcano-job-functions-prod-/);
    }
  });
});

describe('dashboard', () => {
  it('jobs by phase, stuck and transitions per namespace, latency, errors, throttles, queues, alarm states', () => {
    const dash = prod.Resources.JobsDashboard;
    expect(dash.Type).toBe('AWS::CloudWatch::Dashboard');
    expect(dash.Properties.DashboardName).toBe('volcano-job-functions-prod');
    const template: string = dash.Properties.DashboardBody['Fn::Sub'];
    // Every ${...} it substitutes is a resource of the template (or a pseudo parameter).
    const refs = [...template.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]!.split('.')[0]!);
    for (const r of refs) if (!r.startsWith('AWS::')) expect(prod.Resources[r], r).toBeDefined();
    const body = JSON.parse(template.replace(/\$\{[^}]+\}/g, 'X'));
    const titles = body.widgets.map((w: Obj) => w.properties.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Alarms',
        'Jobs by phase (all swept namespaces)',
        'Stuck jobs per namespace',
        'Phase transitions per namespace',
        'Jobs that failed or were aborted, per namespace',
        'Function duration p99 (ms)',
        'Function errors',
        'Function throttles',
      ]),
    );
    const widget = (title: string) => body.widgets.find((w: Obj) => w.properties.title === title).properties;
    const expressions = (title: string) => widget(title).metrics.map((m: Obj[]) => m[0]!.expression);
    expect(expressions('Stuck jobs per namespace')).toEqual([`SEARCH('{VolcanoJobs,Namespace} MetricName="Stuck"', 'Maximum', 300)`]);
    expect(expressions('Jobs by phase (all swept namespaces)')).toContain(`SUM(SEARCH('{VolcanoJobs,Namespace} MetricName="Phase.Running"', 'Maximum', 300))`);
    expect(widget('Function errors').metrics).toHaveLength(5);
    expect(widget('Alarms').alarms).toHaveLength(8);
    expect(template).toContain('${StuckJobsAlarm.Arn}');
  });
});
