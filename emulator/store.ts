/**
 * In-memory job store: per namespace a Map by name plus a sorted array of names, each entry
 * holding the canonical (key-sorted) object and its cached JSON encoding.
 */
import type { Job } from './types';

export interface Entry {
  /** Canonical object: keys sorted at every level. Never mutated once stored. */
  job: Job;
  /** JSON encoding of `job` (compact). */
  json: string;
}

export interface NamespaceStore {
  byName: Map<string, Entry>;
  /** Sorted names (UTF-16 order = byte order for DNS names). */
  names: string[];
  /** Names appended out of order since the last sort (bulk loads). */
  dirty: boolean;
}

/** Deep copy with object keys sorted, as the apiserver encodes unstructured objects. Drops `undefined`. */
export function canonical<T>(v: T): T {
  if (Array.isArray(v)) return v.map((e) => canonical(e)) as unknown as T;
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) {
    const val = o[k];
    if (val === undefined) continue;
    out[k] = canonical(val);
  }
  return out as T;
}

export function lowerBound(arr: string[], key: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class JobStore {
  private readonly namespaces = new Map<string, NamespaceStore>();
  /** Global resourceVersion counter (etcd revision). */
  rv: number;

  constructor(startRv: number) {
    this.rv = startRv;
  }

  nextRv(): string {
    this.rv += 1;
    return String(this.rv);
  }

  ns(namespace: string, create = false): NamespaceStore | undefined {
    let s = this.namespaces.get(namespace);
    if (!s && create) {
      s = { byName: new Map(), names: [], dirty: false };
      this.namespaces.set(namespace, s);
    }
    return s;
  }

  /** Sorted names of a namespace (sorting lazily after bulk loads). */
  sortedNames(namespace: string): string[] {
    const s = this.namespaces.get(namespace);
    if (!s) return [];
    if (s.dirty) {
      s.names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      s.dirty = false;
    }
    return s.names;
  }

  get(namespace: string, name: string): Entry | undefined {
    return this.namespaces.get(namespace)?.byName.get(name);
  }

  has(namespace: string, name: string): boolean {
    return this.namespaces.get(namespace)?.byName.has(name) ?? false;
  }

  /** Stores an already canonical job. `bulk` appends the name without keeping the array sorted. */
  set(namespace: string, job: Job, json?: string, bulk = false): Entry {
    const s = this.ns(namespace, true)!;
    const name = job.metadata.name;
    const entry: Entry = { job, json: json ?? JSON.stringify(job) };
    if (!s.byName.has(name)) {
      if (bulk || s.dirty) {
        s.names.push(name);
        s.dirty = true;
      } else {
        const i = lowerBound(s.names, name);
        s.names.splice(i, 0, name);
      }
    }
    s.byName.set(name, entry);
    return entry;
  }

  count(namespace: string): number {
    return this.namespaces.get(namespace)?.byName.size ?? 0;
  }
}
