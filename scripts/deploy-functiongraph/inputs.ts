/**
 * The deploy command's inputs: flags first, then environment variables, then defaults. Everything
 * that has no sensible default (credentials, the project id) is checked here, once, so that a
 * missing input is reported by name before anything is built or sent.
 */
import { parseArgs } from 'node:util';

export type ApigAuth = 'NONE' | 'IAM' | 'APP';

export interface Credentials {
  ak: string;
  sk: string;
  securityToken?: string;
  projectId: string;
}

export interface DeployInputs {
  stage?: string;
  region: string;
  endpoint: string;
  dryRun: boolean;
  credentials: Credentials;
  /** FunctionGraph "package" (app) the functions live in. */
  packageName: string;
  /** IAM agency the functions run with (their CCI credentials come from it). */
  xrole?: string;
  apig: {
    groupId?: string;
    envId: string;
    envName: string;
    auth: ApigAuth;
    /** Dedicated gateway instance: the triggers are then DEDICATEDGATEWAY, else APIG (shared). */
    instanceId?: string;
  };
  timerUserEvent: string;
  kafka?: { instanceId: string; topic: string; user?: string; password?: string };
}

export class InputError extends Error {
  override name = 'InputError';
}

export const DEFAULT_REGION = 'cn-north-4';

/** flag name → [environment variable, description] (the README and --help list the same). */
export const OPTIONS = {
  stage: ['', "stage (default: serverless.yml's, dev)"],
  region: ['HUAWEICLOUD_SDK_REGION', `region (default ${DEFAULT_REGION})`],
  'dry-run': ['', 'read the current state and print the plan; change nothing'],
  package: ['FUNCTIONGRAPH_PACKAGE', 'FunctionGraph app (package) name (default: default)'],
  xrole: ['FUNCTIONGRAPH_XROLE', 'IAM agency the functions run with'],
  'apig-group-id': ['FUNCTIONGRAPH_APIG_GROUP_ID', 'API Gateway group of the HTTP functions (required when there are any)'],
  'apig-env-id': ['FUNCTIONGRAPH_APIG_ENV_ID', 'API Gateway environment id (default DEFAULT_ENVIRONMENT_RELEASE_ID)'],
  'apig-env-name': ['FUNCTIONGRAPH_APIG_ENV_NAME', 'API Gateway environment name (default RELEASE)'],
  'apig-auth': ['FUNCTIONGRAPH_APIG_AUTH', 'API authentication: NONE (default; the functions check WEBHOOK_SECRET), IAM or APP'],
  'apig-instance-id': ['FUNCTIONGRAPH_APIG_INSTANCE_ID', 'dedicated gateway instance id (DEDICATEDGATEWAY triggers instead of APIG)'],
  'timer-user-event': ['FUNCTIONGRAPH_TIMER_USER_EVENT', "the TIMER trigger's user_event for sweepJobs (default empty)"],
  'kafka-instance-id': ['FUNCTIONGRAPH_KAFKA_INSTANCE_ID', 'DMS for Kafka instance feeding patchFromQueue'],
  'kafka-topic': ['FUNCTIONGRAPH_KAFKA_TOPIC', 'its topic'],
  'kafka-user': ['FUNCTIONGRAPH_KAFKA_USER', 'SASL user of the Kafka instance, if it has one (password: FUNCTIONGRAPH_KAFKA_PASSWORD)'],
  help: ['', 'this text'],
} as const satisfies Record<string, readonly [string, string]>;

export function usage(): string {
  const lines = Object.entries(OPTIONS).map(([flag, [env, text]]) => {
    const f = flag === 'dry-run' || flag === 'help' ? `--${flag}` : `--${flag} <value>`;
    return `  ${f.padEnd(30)} ${text}${env ? ` [${env}]` : ''}`;
  });
  return [
    'npm run deploy:functiongraph -- [options]',
    '',
    ...lines,
    '',
    'Credentials: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID, optional HUAWEICLOUD_SDK_SECURITY_TOKEN.',
    'FUNCTIONGRAPH_ENDPOINT overrides https://functiongraph.<region>.myhuaweicloud.com.',
    "The functions' variables come from serverless.yml (its ${env:...} read from this shell).",
    '',
  ].join('\n');
}

type Env = Record<string, string | undefined>;

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** Parsed flags, or `help` when --help was asked for. */
export function parseInputs(argv: string[], env: Env): DeployInputs | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        Object.keys(OPTIONS).map((k) => [k, { type: k === 'dry-run' || k === 'help' ? 'boolean' : 'string' }] as const),
      ),
    }));
  } catch (e) {
    throw new InputError(`${e instanceof Error ? e.message : String(e)}\n\n${usage()}`);
  }
  if (values.help === true) return 'help';
  const pick = (flag: keyof typeof OPTIONS): string | undefined => {
    const fromFlag = values[flag];
    const envName = OPTIONS[flag][0];
    return nonEmpty(typeof fromFlag === 'string' ? fromFlag : undefined) ?? (envName ? nonEmpty(env[envName]) : undefined);
  };

  const missing = ['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_PROJECT_ID'].filter((n) => !nonEmpty(env[n]));
  if (missing.length > 0) {
    throw new InputError(
      `missing credentials: ${missing.join(', ')} not set. Use an access key of an IAM user allowed to manage FunctionGraph ` +
        '(console: My Credentials > Access Keys; the project id of the region is under My Credentials > API Credentials).',
    );
  }
  const region = pick('region') ?? DEFAULT_REGION;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new InputError(`--region "${region}" does not look like a region id such as ${DEFAULT_REGION}`);
  const endpoint = nonEmpty(env.FUNCTIONGRAPH_ENDPOINT) ?? `https://functiongraph.${region}.myhuaweicloud.com`;
  if (!/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) throw new InputError(`FUNCTIONGRAPH_ENDPOINT "${endpoint}" must be a base URL such as https://functiongraph.${region}.myhuaweicloud.com`);

  const auth = (pick('apig-auth') ?? 'NONE').toUpperCase();
  if (auth !== 'NONE' && auth !== 'IAM' && auth !== 'APP') throw new InputError(`--apig-auth must be NONE, IAM or APP, not "${auth}"`);

  const kafkaInstance = pick('kafka-instance-id');
  const kafkaTopic = pick('kafka-topic');
  if ((kafkaInstance === undefined) !== (kafkaTopic === undefined)) {
    throw new InputError('a Kafka trigger needs both --kafka-instance-id (FUNCTIONGRAPH_KAFKA_INSTANCE_ID) and --kafka-topic (FUNCTIONGRAPH_KAFKA_TOPIC)');
  }
  const stage = pick('stage');
  if (stage !== undefined && !/^[a-zA-Z0-9-]+$/.test(stage)) throw new InputError(`--stage "${stage}": letters, digits and hyphens only`);
  const securityToken = nonEmpty(env.HUAWEICLOUD_SDK_SECURITY_TOKEN);
  const xrole = pick('xrole');
  const groupId = pick('apig-group-id');
  const instanceId = pick('apig-instance-id');
  const kafkaUser = pick('kafka-user');
  const kafkaPassword = nonEmpty(env.FUNCTIONGRAPH_KAFKA_PASSWORD);

  return {
    ...(stage ? { stage } : {}),
    region,
    endpoint: endpoint.replace(/\/$/, ''),
    dryRun: values['dry-run'] === true,
    credentials: {
      ak: env.HUAWEICLOUD_SDK_AK!.trim(),
      sk: env.HUAWEICLOUD_SDK_SK!.trim(),
      ...(securityToken ? { securityToken } : {}),
      projectId: env.HUAWEICLOUD_SDK_PROJECT_ID!.trim(),
    },
    packageName: pick('package') ?? 'default',
    ...(xrole ? { xrole } : {}),
    apig: {
      ...(groupId ? { groupId } : {}),
      envId: pick('apig-env-id') ?? 'DEFAULT_ENVIRONMENT_RELEASE_ID',
      envName: pick('apig-env-name') ?? 'RELEASE',
      auth,
      ...(instanceId ? { instanceId } : {}),
    },
    timerUserEvent: (typeof values['timer-user-event'] === 'string' ? values['timer-user-event'] : env.FUNCTIONGRAPH_TIMER_USER_EVENT) ?? '',
    ...(kafkaInstance && kafkaTopic
      ? { kafka: { instanceId: kafkaInstance, topic: kafkaTopic, ...(kafkaUser ? { user: kafkaUser } : {}), ...(kafkaPassword ? { password: kafkaPassword } : {}) } }
      : {}),
  };
}
