/**
 * One deploy run: build the zips as `npm run package:functiongraph` does, read what FunctionGraph
 * holds, plan, and (unless dry-run) apply: create missing functions, update code only when the
 * zip's digest differs and configuration only when a field differs, create missing triggers. The
 * first refusal stops the run; what was done before it is reported with the error.
 */
import { readFileSync } from 'node:fs';
import { packageFunctionGraph } from '../package-functiongraph';
import { desiredFunctions, type DesiredFunction, type DesiredTrigger } from './desired-state';
import { SdkFunctionGraphApi, type DeployedFunction, type DeployedTrigger, type FunctionConfig, type FunctionGraphApi } from './functiongraph-api';
import type { DeployInputs } from './inputs';
import { planFunction, type FunctionStep } from './plan';
import { markerFor, splitSecretsMarker, withSecretsMarker } from './secrets-marker';
import { readServiceSettings } from './service-settings';

export interface ReportRow {
  function: string;
  resource: string;
  action: 'created' | 'updated' | 'replaced' | 'unchanged' | 'to create' | 'to update' | 'to replace';
  detail: string;
}

export interface InvokeUrl {
  function: string;
  method: string;
  path: string;
  url?: string;
}

export interface DeployResult {
  stage: string;
  region: string;
  dryRun: boolean;
  rows: ReportRow[];
  invokeUrls: InvokeUrl[];
}

export interface DeployOptions {
  inputs: DeployInputs;
  /** The environment serverless.yml's `${env:...}` read (the functions' variables). */
  env: Record<string, string | undefined>;
  serverlessYml?: string;
  /** Zips by function name; default: build them as `npm run package:functiongraph`. */
  buildZips?: () => Promise<Map<string, Buffer>>;
  api?: FunctionGraphApi;
}

/** A refusal (or any failure) part-way, with the rows of what was already done. */
export class DeployFailed extends Error {
  override name = 'DeployFailed';
  constructor(
    override readonly cause: Error,
    readonly done: ReportRow[],
  ) {
    super(cause.message);
  }
}

async function buildZips(): Promise<Map<string, Buffer>> {
  const built = await packageFunctionGraph();
  return new Map(built.map((b) => [b.name, readFileSync(b.zip)]));
}

/** What create and update send; `current` keeps its agency (without --xrole) and its secrets salt. */
function config(d: DesiredFunction, current?: DeployedFunction): FunctionConfig {
  const xrole = d.xrole ?? current?.xrole;
  const marker = markerFor(d.encryptedUserData, splitSecretsMarker(current?.description).marker);
  return {
    funcName: d.funcName,
    packageName: d.packageName,
    runtime: d.runtime,
    handler: d.handler,
    memorySize: d.memorySize,
    timeout: d.timeout,
    description: withSecretsMarker(d.description, marker),
    userData: d.userData,
    encryptedUserData: d.encryptedUserData,
    ...(xrole ? { xrole } : {}),
  };
}

function invokeUrl(d: DesiredTrigger, t: DeployedTrigger | undefined, fn: string): InvokeUrl | undefined {
  if (d.type !== 'APIG' && d.type !== 'DEDICATEDGATEWAY') return undefined;
  const url = t && typeof t.eventData.invoke_url === 'string' && t.eventData.invoke_url !== '' ? t.eventData.invoke_url : undefined;
  return { function: fn, method: d.eventData.req_method, path: d.eventData.path, ...(url ? { url } : {}) };
}

function functionDetail(step: FunctionStep): string {
  const d = step.desired;
  if (step.action === 'create') return `${d.runtime}, ${d.memorySize} MB, ${d.timeout} s${d.xrole ? `, agency ${d.xrole}` : ''}`;
  if (step.action === 'unchanged') return '';
  return [...(step.codeChanged ? ['code'] : []), ...step.configChanges].join(', ');
}

export async function deployFunctionGraph(opts: DeployOptions): Promise<DeployResult> {
  const { inputs } = opts;
  const settings = readServiceSettings({ stage: inputs.stage, region: inputs.region, env: opts.env, ...(opts.serverlessYml ? { file: opts.serverlessYml } : {}) });
  const zips = await (opts.buildZips ?? buildZips)();
  const desired = desiredFunctions(settings, inputs, zips);
  const api = opts.api ?? new SdkFunctionGraphApi(inputs.endpoint, inputs.credentials);

  const steps: FunctionStep[] = [];
  for (const d of desired) {
    const current = await api.findFunction(d.funcName, d.packageName);
    const triggers = current ? await api.listTriggers(current.urn) : [];
    steps.push(planFunction(d, current, triggers));
  }

  const rows: ReportRow[] = [];
  const invokeUrls: InvokeUrl[] = [];
  const result = (): DeployResult => ({ stage: settings.stage, region: inputs.region, dryRun: inputs.dryRun, rows, invokeUrls });

  if (inputs.dryRun) {
    for (const step of steps) {
      const name = step.desired.funcName;
      rows.push({ function: name, resource: 'function', action: step.action === 'unchanged' ? 'unchanged' : `to ${step.action}`, detail: functionDetail(step) });
      for (const t of step.triggers) {
        rows.push({ function: name, resource: t.desired.label, action: t.action === 'unchanged' ? 'unchanged' : `to ${t.action}`, detail: t.changes.join(', ') });
        const u = invokeUrl(t.desired, t.existing, name);
        if (u) invokeUrls.push(u);
      }
    }
    return result();
  }

  try {
    for (const step of steps) {
      const d = step.desired;
      let urn: string;
      if (step.action === 'create') {
        urn = (await api.createFunction(config(d), d.zip, d.zipName)).urn;
        rows.push({ function: d.funcName, resource: 'function', action: 'created', detail: functionDetail(step) });
      } else {
        urn = step.current!.urn;
        if (step.codeChanged) await api.updateCode(urn, d.zip, d.zipName);
        if (step.configChanges.length > 0) await api.updateConfig(urn, config(d, step.current));
        rows.push({ function: d.funcName, resource: 'function', action: step.action === 'update' ? 'updated' : 'unchanged', detail: functionDetail(step) });
      }
      for (const t of step.triggers) {
        let deployed = t.existing;
        if (t.action === 'replace') await api.deleteTrigger(urn, t.existing!);
        if (t.action !== 'unchanged') deployed = await api.createTrigger(urn, t.desired.type, t.desired.eventData);
        rows.push({
          function: d.funcName,
          resource: t.desired.label,
          action: t.action === 'create' ? 'created' : t.action === 'replace' ? 'replaced' : 'unchanged',
          detail: t.changes.join(', '),
        });
        const u = invokeUrl(t.desired, deployed, d.funcName);
        if (u) invokeUrls.push(u);
      }
    }
  } catch (e) {
    throw new DeployFailed(e instanceof Error ? e : new Error(String(e)), rows);
  }
  return result();
}
