/**
 * Server-side printing, as kube-apiserver does for custom resources: when the client asks for
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` (kubectl get), a list or object is answered
 * as a meta.k8s.io Table whose columns are "Name" plus the CRD's additionalPrinterColumns
 * (apiextensions-apiserver tableconvertor.go; handlers/response.go for includeObject).
 */
import type { CrdDefinition, PrinterColumn } from './crds';
import { statusError } from './k8s-status';
import { isJsonObject as isObj } from '../lib/core/json';

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return [];
  return accept
    .split(',')
    .map((part) => {
      const [type, ...ps] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of ps) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
      }
      return { type: (type ?? '').toLowerCase(), params };
    })
    .filter((r) => r.type !== '');
}

export type Negotiated = { kind: 'json' } | { kind: 'table'; version: 'v1' | 'v1beta1'; contentType: string };

const NOT_ACCEPTABLE = 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf';

function isPlainJson(r: MediaRange): boolean {
  if (r.type === '*/*' || r.type === 'application/*') return true;
  return r.type === 'application/json' && r.params['as'] === undefined;
}

/**
 * Picks the answer form from the Accept header, in the client's order. Table only where the
 * endpoint can print (GET of an object or a list). No acceptable form → the apiserver's 406.
 */
export function negotiate(accept: string | undefined, tableAllowed: boolean): Negotiated {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return { kind: 'json' };
  for (const r of ranges) {
    if (isPlainJson(r)) return { kind: 'json' };
    if (tableAllowed && r.type === 'application/json' && r.params['as'] === 'Table' && r.params['g'] === 'meta.k8s.io') {
      const v = r.params['v'];
      if (v === 'v1' || v === 'v1beta1') return { kind: 'table', version: v, contentType: `application/json;as=Table;v=${v};g=meta.k8s.io` };
    }
  }
  throw statusError(406, NOT_ACCEPTABLE, 'NotAcceptable');
}

/** Go's k8s.io/apimachinery duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

type Obj = Record<string, unknown>;

function lookup(obj: unknown, jsonPath: string): unknown {
  let cur = obj;
  for (const key of jsonPath.replace(/^\./, '').split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** tableconvertor.go cellForJSONValue (string columns print any value, as JSONPath does). */
function cell(col: PrinterColumn, value: unknown, now: number): unknown {
  if (value === undefined || value === null) return null;
  switch (col.type) {
    case 'string':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const t = Date.parse(value);
      return Number.isNaN(t) ? '<invalid>' : humanDuration(now - t);
    }
  }
}

const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

export type IncludeObject = 'None' | 'Object' | 'Metadata';

/** `includeObject` query value: None, Object, or Metadata (default, PartialObjectMetadata). */
export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  if (v === null || v === '' || v === 'Metadata') return 'Metadata';
  if (v === 'None' || v === 'Object') return v;
  throw statusError(400, `unable to parse the query: includeObject: Unsupported value: "${v}": supported values: "Metadata", "None", "Object"`, 'BadRequest');
}

/** A list answer (`{items, metadata}`) or a single object, as a Table. */
export function toTable(crd: CrdDefinition, answer: Obj, version: 'v1' | 'v1beta1', include: IncludeObject, now = Date.now()): Obj {
  const isList = Array.isArray(answer['items']);
  const objects = (isList ? (answer['items'] as unknown[]) : [answer]).filter(isObj);
  const listMeta = isObj(answer['metadata']) ? answer['metadata'] : {};
  const metadata: Obj = {};
  if (typeof listMeta['resourceVersion'] === 'string') metadata['resourceVersion'] = listMeta['resourceVersion'];
  if (isList && typeof listMeta['continue'] === 'string' && listMeta['continue'] !== '') metadata['continue'] = listMeta['continue'];
  if (isList && typeof listMeta['remainingItemCount'] === 'number') metadata['remainingItemCount'] = listMeta['remainingItemCount'];
  const columnDefinitions = [
    { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 },
    ...crd.printerColumns.map((c) => ({
      name: c.name,
      type: c.type,
      format: '',
      description: c.description ?? `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
    })),
  ];
  const rows = objects.map((o) => {
    const meta = isObj(o['metadata']) ? o['metadata'] : {};
    const row: Obj = { cells: [meta['name'] ?? '', ...crd.printerColumns.map((c) => cell(c, lookup(o, c.jsonPath), now))] };
    if (include === 'Object') row['object'] = o;
    else if (include === 'Metadata') row['object'] = { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: meta };
    return row;
  });
  return { kind: 'Table', apiVersion: `meta.k8s.io/${version}`, metadata, columnDefinitions, rows };
}
