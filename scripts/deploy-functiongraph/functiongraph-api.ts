/**
 * The FunctionGraph calls the deploy makes, through Huawei's official SDK
 * (`@huaweicloud/huaweicloud-sdk-functiongraph`, AK/SK-signed). This is the only file that knows
 * the SDK: it turns the API's snake_case answers into typed values, its refusals into
 * `FunctionGraphRefusal` (the API's `error_code` and `error_msg`), and it mutes the SDK's own
 * logger, which would otherwise print signed headers and request bodies (secrets included) on
 * every failed call.
 */
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import {
  CreateFunctionRequest,
  CreateFunctionRequestBody,
  CreateFunctionTriggerRequest,
  CreateFunctionTriggerRequestBody,
  DeleteFunctionTriggerRequest,
  FuncCode,
  FunctionGraphClient,
  ListFunctionsRequest,
  ListFunctionTriggersRequest,
  ShowFunctionConfigRequest,
  TriggerEventDataRequestBody,
  UpdateFunctionCodeRequest,
  UpdateFunctionCodeRequestBody,
  UpdateFunctionConfigRequest,
  UpdateFunctionConfigRequestBody,
} from '@huaweicloud/huaweicloud-sdk-functiongraph';
import type { Credentials } from './inputs';
import { isJsonObject as isRecord } from '../../lib/core/json';

/** A function as FunctionGraph reports it (show-config). */
export interface DeployedFunction {
  urn: string;
  name: string;
  runtime?: string;
  handler?: string;
  memorySize?: number;
  timeout?: number;
  digest?: string;
  userData: Record<string, string>;
  xrole?: string;
  description?: string;
}

export interface DeployedTrigger {
  id: string;
  type: string;
  status?: string;
  eventData: Record<string, unknown>;
}

/** The function's settings sent on create and on a configuration update. */
export interface FunctionConfig {
  funcName: string;
  packageName: string;
  runtime: string;
  handler: string;
  memorySize: number;
  timeout: number;
  /** Sent as is: the deploy appends its secrets marker. */
  description: string;
  userData: Record<string, string>;
  encryptedUserData: Record<string, string>;
  xrole?: string;
}

export interface FunctionGraphApi {
  findFunction(funcName: string, packageName: string): Promise<DeployedFunction | undefined>;
  listTriggers(urn: string): Promise<DeployedTrigger[]>;
  createFunction(config: FunctionConfig, zip: Buffer, zipName: string): Promise<DeployedFunction>;
  updateCode(urn: string, zip: Buffer, zipName: string): Promise<void>;
  updateConfig(urn: string, config: FunctionConfig): Promise<void>;
  createTrigger(urn: string, type: string, eventData: object): Promise<DeployedTrigger>;
  /** The update API only changes polling settings: a trigger whose settings changed is replaced. */
  deleteTrigger(urn: string, trigger: DeployedTrigger): Promise<void>;
}

/** The API said no: its HTTP status, `error_code` and `error_msg`. */
export class FunctionGraphRefusal extends Error {
  override name = 'FunctionGraphRefusal';
  constructor(
    readonly operation: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    readonly apiMessage: string,
    readonly requestId?: string,
  ) {
    super(
      `FunctionGraph refused ${operation}: ${status === undefined ? 'no HTTP answer' : `HTTP ${status}`}` +
        `${code ? ` ${code}` : ''}: ${apiMessage}${requestId ? ` (request id ${requestId})` : ''}`,
    );
  }
}

type Json = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** `user_data` / `encrypted_user_data` are JSON strings of name → value. */
function variables(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(v);
    if (!isRecord(parsed)) return undefined;
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return undefined;
  }
}

function toFunction(raw: unknown): DeployedFunction {
  const r = isRecord(raw) ? raw : {};
  const urn = str(r.func_urn);
  const name = str(r.func_name);
  if (!urn || !name) throw new Error('FunctionGraph answered without func_urn / func_name');
  return {
    urn,
    name,
    runtime: str(r.runtime),
    handler: str(r.handler),
    memorySize: num(r.memory_size),
    timeout: num(r.timeout),
    digest: str(r.digest),
    userData: variables(r.user_data) ?? {},
    xrole: str(r.xrole),
    description: str(r.description),
  };
}

function toTrigger(raw: unknown): DeployedTrigger {
  const r = isRecord(raw) ? raw : {};
  const id = str(r.trigger_id);
  const type = str(r.trigger_type_code);
  if (!id || !type) throw new Error('FunctionGraph answered a trigger without trigger_id / trigger_type_code');
  return { id, type, status: str(r.trigger_status), eventData: isRecord(r.event_data) ? r.event_data : {} };
}

/** The SDK's exceptions (ServiceResponseException and subclasses) carry these. */
interface SdkError {
  httpStatusCode?: string | number;
  errorCode?: string;
  errorMsg?: string;
  requestId?: string;
}

function refusal(operation: string, e: unknown): Error {
  if (e instanceof FunctionGraphRefusal) return e;
  if (isRecord(e) && ('httpStatusCode' in e || 'errorMsg' in e)) {
    const s = e as SdkError;
    const status = s.httpStatusCode === undefined ? undefined : Number(s.httpStatusCode);
    return new FunctionGraphRefusal(operation, Number.isFinite(status) ? status : undefined, s.errorCode, s.errorMsg ?? 'no message', s.requestId);
  }
  return e instanceof Error ? e : new Error(String(e));
}

const SILENT = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => 'error', setName() {} };

const JSON_TYPE = 'application/json';

export class SdkFunctionGraphApi implements FunctionGraphApi {
  private readonly client: FunctionGraphClient;

  constructor(endpoint: string, credentials: Credentials) {
    const cred = new BasicCredentials().withAk(credentials.ak).withSk(credentials.sk).withProjectId(credentials.projectId);
    if (credentials.securityToken) cred.withSecurityToken(credentials.securityToken);
    this.client = FunctionGraphClient.newBuilder()
      .withCredential(cred)
      .withEndpoint(endpoint)
      .withOptions({ axiosRequestConfig: { timeout: 120_000 } })
      .build();
    // The SDK logs every failed request with its signed headers and body (user_data secrets,
    // the security token) and offers no option to stop it: replace its logger.
    const http = (this.client as unknown as { hcClient?: { httpClient?: { _logger?: unknown } } }).hcClient?.httpClient;
    if (!http || !('_logger' in http)) throw new Error('cannot mute the FunctionGraph SDK logger: unexpected SDK version');
    http._logger = SILENT;
  }

  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw refusal(operation, e);
    }
  }

  async findFunction(funcName: string, packageName: string): Promise<DeployedFunction | undefined> {
    let marker: string | undefined;
    for (let page = 0; page < 100; page++) {
      const req = new ListFunctionsRequest().withContentType(JSON_TYPE).withFuncName(funcName).withPackageName(packageName);
      if (marker !== undefined) req.withMarker(marker);
      const res: unknown = await this.call(`list functions (${funcName})`, () => this.client.listFunctions(req));
      const r = isRecord(res) ? res : {};
      const list = Array.isArray(r.functions) ? r.functions : [];
      // func_name filters by substring: look for the exact name.
      const hit = list.find((f) => isRecord(f) && f.func_name === funcName && (f.package === undefined || f.package === packageName));
      if (isRecord(hit) && typeof hit.func_urn === 'string') {
        const urn = hit.func_urn;
        const config: unknown = await this.call(`show function ${funcName}`, () =>
          this.client.showFunctionConfig(new ShowFunctionConfigRequest().withFunctionUrn(urn).withContentType(JSON_TYPE)),
        );
        // show-config answers the `:latest` URN; keep the list's (the one deletes accept).
        return { ...toFunction(config), urn };
      }
      const next = r.next_marker === undefined || r.next_marker === null ? undefined : String(r.next_marker);
      if (list.length === 0 || next === undefined || next === marker || (num(r.count) !== undefined && Number(next) >= num(r.count)!)) return undefined;
      marker = next;
    }
    return undefined;
  }

  async listTriggers(urn: string): Promise<DeployedTrigger[]> {
    const res: unknown = await this.call('list triggers', () =>
      this.client.listFunctionTriggers(new ListFunctionTriggersRequest().withFunctionUrn(urn).withContentType(JSON_TYPE)),
    );
    // The SDK returns the JSON array itself (typed as `{body}`); accept both.
    const list = Array.isArray(res) ? res : isRecord(res) && Array.isArray(res.body) ? res.body : [];
    return list.map(toTrigger);
  }

  async createFunction(c: FunctionConfig, zip: Buffer, zipName: string): Promise<DeployedFunction> {
    const body = new CreateFunctionRequestBody()
      .withFuncName(c.funcName)
      .withPackage(c.packageName)
      .withRuntime(c.runtime)
      .withHandler(c.handler)
      .withMemorySize(c.memorySize)
      .withTimeout(c.timeout)
      .withCodeType('zip')
      .withCodeFilename(zipName)
      .withFuncCode(new FuncCode().withFile(zip.toString('base64')))
      .withType('v2')
      .withUserData(JSON.stringify(c.userData))
      .withEncryptedUserData(JSON.stringify(c.encryptedUserData));
    if (c.description) body.withDescription(c.description);
    if (c.xrole) body.withXrole(c.xrole);
    const res: unknown = await this.call(`create function ${c.funcName}`, () =>
      this.client.createFunction(new CreateFunctionRequest().withContentType(JSON_TYPE).withBody(body)),
    );
    return toFunction(res);
  }

  async updateCode(urn: string, zip: Buffer, zipName: string): Promise<void> {
    const body = new UpdateFunctionCodeRequestBody()
      .withCodeType('zip')
      .withCodeFilename(zipName)
      .withFuncCode(new FuncCode().withFile(zip.toString('base64')));
    await this.call(`update code of ${urn}`, () =>
      this.client.updateFunctionCode(new UpdateFunctionCodeRequest().withFunctionUrn(urn).withContentType(JSON_TYPE).withBody(body)),
    );
  }

  async updateConfig(urn: string, c: FunctionConfig): Promise<void> {
    const body = new UpdateFunctionConfigRequestBody()
      .withFuncName(c.funcName)
      .withRuntime(c.runtime)
      .withHandler(c.handler)
      .withMemorySize(c.memorySize)
      .withTimeout(c.timeout)
      .withUserData(JSON.stringify(c.userData))
      .withEncryptedUserData(JSON.stringify(c.encryptedUserData))
      .withDescription(c.description);
    if (c.xrole) body.withXrole(c.xrole);
    await this.call(`update configuration of ${c.funcName}`, () =>
      this.client.updateFunctionConfig(new UpdateFunctionConfigRequest().withFunctionUrn(urn).withContentType(JSON_TYPE).withBody(body)),
    );
  }

  async createTrigger(urn: string, type: string, eventData: object): Promise<DeployedTrigger> {
    // The request class's fields are the API's snake_case names: the event data maps onto it as is.
    const body = new CreateFunctionTriggerRequestBody()
      .withTriggerTypeCode(type)
      .withTriggerStatus('ACTIVE')
      .withEventData(Object.assign(new TriggerEventDataRequestBody(), eventData));
    if (type === 'APIG' || type === 'DEDICATEDGATEWAY') body.withEventTypeCode('APICreated');
    const res: unknown = await this.call(`create ${type} trigger`, () =>
      this.client.createFunctionTrigger(new CreateFunctionTriggerRequest().withFunctionUrn(urn).withContentType(JSON_TYPE).withBody(body)),
    );
    return toTrigger(res);
  }

  async deleteTrigger(urn: string, trigger: DeployedTrigger): Promise<void> {
    await this.call(`delete ${trigger.type} trigger ${trigger.id}`, () =>
      this.client.deleteFunctionTrigger(
        new DeleteFunctionTriggerRequest().withFunctionUrn(urn).withTriggerTypeCode(trigger.type).withTriggerId(trigger.id).withContentType(JSON_TYPE),
      ),
    );
  }

}
