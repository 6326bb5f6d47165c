/**
 * `serverless package` output for patchFromQueue: queue resources, redrive policy, visibility
 * timeout, partial batch responses and IAM scoped to exactly the queues (and the credentials
 * secret when one is configured).
 *
 * The package runs on a copy of the service in a temp folder (node_modules linked), with its own
 * `--package` output folder: serverless-esbuild's `.esbuild/` work folder and `.serverless/` in
 * the checkout are left to whoever else is packaging at the same time.
 */
import { tempDir } from '../support/tmp';
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SECRET = 'cci/iam-credentials';
const KUBECONFIG_SECRET = 'cci/kubeconfig';
const SKIP = new Set(['node_modules', '.git', '.serverless', '.esbuild', 'dist', 'coverage']);

type Obj = Record<string, any>;
let dir: string;
let template: Obj;
let resources: Obj;

function packageEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, IAM_CREDENTIALS_SECRET: SECRET, KUBECONFIG_SECRET, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
  // Set in a shell, it replaces the stack's own failure queue (see serverless.yml).
  delete env.FAILED_PATCHES_QUEUE_URL;
  return env;
}

beforeAll(() => {
  dir = tempDir('sls-package-');
  // Everything the service may refer to (sources, esbuild plugins, ...), minus build output.
  for (const entry of readdirSync(ROOT)) {
    if (SKIP.has(entry)) continue;
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/serverless/bin/serverless.js'), 'package', '--package', join(dir, 'out')], {
    cwd: dir,
    timeout: 120_000,
    stdio: 'pipe',
    env: packageEnv(),
  });
  template = JSON.parse(readFileSync(join(dir, 'out/cloudformation-template-update-stack.json'), 'utf8'));
  resources = template.Resources;
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const getAtt = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** File names in a zip, from its central directory. */
function zipEntries(file: string): string[] {
  const buf = readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${file} is not a zip`);
  const count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = buf.readUInt16LE(offset + 28);
    const extra = buf.readUInt16LE(offset + 30);
    const comment = buf.readUInt16LE(offset + 32);
    names.push(buf.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extra + comment;
  }
  return names;
}

describe('patchFromQueue in the CloudFormation template', () => {
  it('source queue: redrive to the DLQ after 5 receives, visibility at least 6x the function timeout', () => {
    const queue = resources.PatchRequestsQueue;
    expect(queue.Type).toBe('AWS::SQS::Queue');
    expect(queue.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: getAtt('PatchRequestsDLQ'), maxReceiveCount: 5 });
    expect(resources.PatchRequestsDLQ.Type).toBe('AWS::SQS::Queue');
    const fn = resources.PatchFromQueueLambdaFunction;
    expect(fn.Properties.Timeout).toBeGreaterThan(0);
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
  });

  it('event source mapping: the source queue, batches of 10, partial batch responses', () => {
    const mappings = Object.values(resources).filter((r: Obj) => r.Type === 'AWS::Lambda::EventSourceMapping') as Obj[];
    expect(mappings).toHaveLength(1);
    expect(mappings[0]!.Properties).toMatchObject({
      EventSourceArn: getAtt('PatchRequestsQueue'),
      FunctionName: getAtt('PatchFromQueueLambdaFunction'),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('the failure queue exists and reaches the function as FAILED_PATCHES_QUEUE_URL', () => {
    expect(resources.FailedPatchesQueue.Type).toBe('AWS::SQS::Queue');
    expect(template.Outputs.FailedPatchesQueueUrl.Value).toEqual({ Ref: 'FailedPatchesQueue' });
    expect(template.Outputs.PatchRequestsQueueUrl.Value).toEqual({ Ref: 'PatchRequestsQueue' });
    expect(resources.PatchFromQueueLambdaFunction.Properties.Environment.Variables.FAILED_PATCHES_QUEUE_URL).toEqual({ Ref: 'FailedPatchesQueue' });
    // Only patchFromQueue gets it.
    expect(resources.PatchJobLambdaFunction.Properties.Environment.Variables.FAILED_PATCHES_QUEUE_URL).toBeUndefined();
  });

  it('IAM: SQS actions only on exactly the queues, never on *', () => {
    const statements = resources.IamRoleLambdaExecution.Properties.Policies.flatMap((p: Obj) => p.PolicyDocument.Statement) as Obj[];
    const sqs = statements.filter((s) => asArray(s.Action).some((a: string) => a.startsWith('sqs:')));
    const byActions = Object.fromEntries(sqs.map((s) => [asArray(s.Action).sort().join(','), asArray(s.Resource)]));
    expect(byActions).toEqual({
      'sqs:DeleteMessage,sqs:GetQueueAttributes,sqs:ReceiveMessage': [getAtt('PatchRequestsQueue')],
      'sqs:SendMessage': [getAtt('FailedPatchesQueue')],
    });
    for (const s of sqs) {
      expect(s.Effect).toBe('Allow');
      expect(asArray(s.Action)).not.toContain('sqs:*');
      expect(JSON.stringify(s.Resource)).not.toContain('*');
    }
    // No other policy grants SQS actions unconditionally, and none touches these queues.
    const policies = Object.values(resources).filter((r: Obj) => r.Type === 'AWS::IAM::Policy') as Obj[];
    for (const p of policies) {
      const doc = JSON.stringify(p.Properties.PolicyDocument);
      if (p.Condition === undefined) expect(doc).not.toContain('sqs:');
      for (const queue of ['PatchRequestsQueue', 'PatchRequestsDLQ', 'FailedPatchesQueue']) expect(doc).not.toContain(queue);
    }
  });

  it('IAM: the credentials secret is readable only when configured, and only that secret', () => {
    expect(template.Conditions.HasCredentialsSecret).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [SECRET, ''] }] });
    const policy = resources.CredentialsSecretReadPolicy;
    expect(policy.Type).toBe('AWS::IAM::Policy');
    expect(policy.Condition).toBe('HasCredentialsSecret');
    expect(policy.Properties.Roles).toEqual([{ Ref: 'IamRoleLambdaExecution' }]);
    const [statement, ...more] = policy.Properties.PolicyDocument.Statement;
    expect(more).toHaveLength(0);
    expect(statement.Action).toEqual(['secretsmanager:GetSecretValue']);
    const [, parts] = statement.Resource['Fn::Join'];
    expect(parts.at(-1)).toBe(`:secret:${SECRET}-??????`);
    expect(parts[0]).toBe('arn:');
  });

  it('IAM: the kubeconfig secret likewise, only when KUBECONFIG_SECRET is set, and only that secret', () => {
    expect(template.Conditions.HasKubeconfigSecret).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [KUBECONFIG_SECRET, ''] }] });
    const policy = resources.KubeconfigSecretReadPolicy;
    expect(policy.Condition).toBe('HasKubeconfigSecret');
    expect(policy.Properties.Roles).toEqual([{ Ref: 'IamRoleLambdaExecution' }]);
    const [statement, ...more] = policy.Properties.PolicyDocument.Statement;
    expect(more).toHaveLength(0);
    expect(statement.Action).toEqual(['secretsmanager:GetSecretValue']);
    expect(statement.Resource['Fn::Join'][1].at(-1)).toBe(`:secret:${KUBECONFIG_SECRET}-??????`);
  });

  it('patchFromQueue.zip holds functions/patchFromQueue.js', () => {
    expect(zipEntries(join(dir, 'out/patchFromQueue.zip'))).toContain('functions/patchFromQueue.js');
  });

  it('yaml (required only for YAML kubeconfigs) ships in every zip\'s node_modules, not in the bundle', () => {
    for (const fn of ['getJob', 'patchJob', 'patchFromQueue', 'sweepJobs']) {
      const entries = zipEntries(join(dir, `out/${fn}.zip`));
      expect(entries).toContain('node_modules/yaml/package.json');
      expect(entries.some((e) => e.startsWith('node_modules/@aws-sdk/'))).toBe(false);
    }
  });

  it('sweepJobs runs at 128 MB with V8 sized for it by NODE_OPTIONS, flags Node accepts there', () => {
    const fn = resources.SweepJobsLambdaFunction.Properties;
    expect(fn.MemorySize).toBe(128);
    const opts: string = fn.Environment.Variables.NODE_OPTIONS;
    // Lambda's bootstrap adds its own heap flags unless NODE_OPTIONS names one of them.
    expect(opts.split(' ')).toEqual(expect.arrayContaining(['--enable-source-maps', '--max-semi-space-size=1', '--max-old-space-size=64']));
    // Node refuses a flag not allowed in NODE_OPTIONS (exit 9): these start, and reach V8.
    // gc() for the sweep's heap guard (lib/sweep/heap), and one malloc arena.
    expect(opts.split(' ')).toContain('--expose-gc');
    expect(fn.Environment.Variables.MALLOC_ARENA_MAX).toBe('1');
    const probe = 'process.stdout.write(JSON.stringify([require("v8").getHeapStatistics().heap_size_limit, typeof gc]))';
    const [limit, gc] = JSON.parse(execFileSync(process.execPath, ['-e', probe], { env: { PATH: process.env.PATH, NODE_OPTIONS: opts, MALLOC_ARENA_MAX: '1' }, encoding: 'utf8' })) as [number, string];
    expect(limit / 2 ** 20).toBeGreaterThanOrEqual(64);
    expect(limit / 2 ** 20).toBeLessThan(72);
    expect(gc).toBe('function');
    // serverless-offline (npm start) runs each handler in a worker thread, which refuses per-process flags.
    const inWorker = execFileSync(process.execPath, ['-e', 'new (require("node:worker_threads").Worker)("process.exit(0)", { eval: true, env: { NODE_OPTIONS: process.argv[1] } }).on("exit", () => process.stdout.write("started"))', '--', opts], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(inWorker).toBe('started');
    // Every other function keeps the provider's NODE_OPTIONS.
    expect(resources.GetJobLambdaFunction.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    expect(resources.GetJobLambdaFunction.Properties.Environment.Variables.MALLOC_ARENA_MAX).toBeUndefined();
  });

  it('the new variables reach the functions', () => {
    const vars = resources.GetJobLambdaFunction.Properties.Environment.Variables;
    for (const k of ['KUBE_TOKEN', 'KUBE_CLIENT_CERT', 'KUBE_CLIENT_KEY', 'KUBE_CA_CERT', 'KUBECONFIG_DATA']) expect(vars).toHaveProperty(k);
    expect(vars.KUBECONFIG_SECRET).toBe(KUBECONFIG_SECRET);
  });
});
