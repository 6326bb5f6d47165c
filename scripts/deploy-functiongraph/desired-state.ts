/**
 * What FunctionGraph should hold after a deploy, computed from serverless.yml's settings, the
 * command's inputs and the built zips, before anything is read from or sent to the API. Kept pure
 * so the mapping (names, secret variables to encrypted user data, routes to APIG triggers, the
 * schedule to a TIMER, the queue to Kafka) is tested without a server.
 */
import { createHash } from 'node:crypto';
import type { DeployInputs } from './inputs';
import { toTimerSchedule } from './schedule';
import type { ServiceSettings } from './service-settings';

export const RUNTIME = 'Node.js20.15';
export const HANDLER = 'index.handler';

/** Variables whose values are credentials go to `encrypted_user_data`. */
const SECRET_NAME = /(_PASSWORD|_SECRET_KEY|_SECRET|_TOKEN|_PRIVATE_KEY)$/;
const SECRET_NAMES = new Set(['KUBE_CLIENT_KEY', 'KUBECONFIG_DATA', 'CCI_SECURITY_TOKEN']);

export function isSecretVariable(name: string): boolean {
  return SECRET_NAME.test(name) || SECRET_NAMES.has(name);
}

export interface ApigEventData {
  name: string;
  group_id: string;
  env_id: string;
  env_name: string;
  auth: string;
  protocol: 'HTTPS';
  path: string;
  req_method: string;
  match_mode: 'NORMAL';
  backend_type: 'FUNCTION';
  type: 1;
  func_info: { timeout: number };
  instance_id?: string;
}

export type DesiredTrigger =
  | { type: 'APIG' | 'DEDICATEDGATEWAY'; label: string; eventData: ApigEventData }
  | { type: 'TIMER'; label: string; eventData: { name: string; schedule_type: 'Rate' | 'Cron'; schedule: string; user_event: string } }
  | {
      type: 'KAFKA';
      label: string;
      eventData: { instance_id: string; topic_ids: string[]; batch_size: number; kafka_user?: string; kafka_password?: string };
    };

export interface DesiredFunction {
  /** serverless.yml's key, e.g. `getJob`. */
  key: string;
  funcName: string;
  packageName: string;
  runtime: typeof RUNTIME;
  handler: typeof HANDLER;
  memorySize: number;
  timeout: number;
  description?: string;
  userData: Record<string, string>;
  encryptedUserData: Record<string, string>;
  xrole?: string;
  zip: Buffer;
  zipName: string;
  /** Hex SHA-512 of the zip: FunctionGraph's `digest` of a function's code. */
  digest: string;
  triggers: DesiredTrigger[];
}

/** APIG API names: letters, digits and underscores, starting with a letter. */
function apiName(funcName: string, method: string): string {
  return `${funcName}_${method}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64);
}

export function desiredFunctions(settings: ServiceSettings, inputs: DeployInputs, zips: Map<string, Buffer>): DesiredFunction[] {
  const withRoutes = settings.functions.filter((f) => f.httpRoutes.length > 0).map((f) => f.name);
  if (withRoutes.length > 0 && !inputs.apig.groupId) {
    throw new Error(
      `${withRoutes.join(', ')} ${withRoutes.length === 1 ? 'has' : 'have'} HTTP routes: set the API Gateway group with ` +
        '--apig-group-id or FUNCTIONGRAPH_APIG_GROUP_ID (API Gateway console > API groups)',
    );
  }
  return settings.functions.map((fn) => {
    const zip = zips.get(fn.name);
    if (!zip) throw new Error(`no FunctionGraph zip was built for ${fn.name} (functions/${fn.name}.ts missing?)`);
    const funcName = `${settings.service}-${settings.stage}-${fn.name}`;
    if (funcName.length > 60) throw new Error(`function name ${funcName} is longer than FunctionGraph's 60 characters`);
    const userData: Record<string, string> = {};
    const encryptedUserData: Record<string, string> = {};
    for (const [k, v] of Object.entries(fn.environment)) (isSecretVariable(k) ? encryptedUserData : userData)[k] = v;

    const triggers: DesiredTrigger[] = [];
    for (const route of fn.httpRoutes) {
      const type = inputs.apig.instanceId ? 'DEDICATEDGATEWAY' : 'APIG';
      triggers.push({
        type,
        label: `${type} ${route.method} ${route.path}`,
        eventData: {
          name: apiName(funcName, route.method),
          group_id: inputs.apig.groupId!,
          env_id: inputs.apig.envId,
          env_name: inputs.apig.envName,
          auth: inputs.apig.auth,
          protocol: 'HTTPS',
          path: route.path,
          req_method: route.method,
          match_mode: 'NORMAL',
          backend_type: 'FUNCTION',
          type: 1,
          // APIG's backend timeout (ms) follows the function's.
          func_info: { timeout: Math.min(fn.timeout * 1000, 60_000) },
          ...(inputs.apig.instanceId ? { instance_id: inputs.apig.instanceId } : {}),
        },
      });
    }
    fn.schedules.forEach((expression, i) => {
      const schedule = toTimerSchedule(expression);
      triggers.push({
        type: 'TIMER',
        label: `TIMER ${schedule.schedule_type} ${schedule.schedule}`,
        eventData: { name: `${fn.name}-timer${i === 0 ? '' : `-${i + 1}`}`, ...schedule, user_event: inputs.timerUserEvent },
      });
    });
    if (fn.queue && inputs.kafka) {
      const k = inputs.kafka;
      triggers.push({
        type: 'KAFKA',
        label: `KAFKA ${k.instanceId} ${k.topic}`,
        eventData: {
          instance_id: k.instanceId,
          topic_ids: [k.topic],
          batch_size: fn.queue.batchSize ?? 10,
          ...(k.user ? { kafka_user: k.user } : {}),
          ...(k.password ? { kafka_password: k.password } : {}),
        },
      });
    }
    return {
      key: fn.name,
      funcName,
      packageName: inputs.packageName,
      runtime: RUNTIME,
      handler: HANDLER,
      memorySize: fn.memorySize,
      timeout: fn.timeout,
      ...(fn.description ? { description: fn.description } : {}),
      userData,
      encryptedUserData,
      ...(inputs.xrole ? { xrole: inputs.xrole } : {}),
      zip,
      zipName: `${fn.name}.zip`,
      digest: createHash('sha512').update(zip).digest('hex'),
      triggers,
    };
  });
}
