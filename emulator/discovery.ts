/**
 * Discovery as kube-apiserver serves it, for the groups the emulator serves: `/version`, `/api`,
 * `/api/v1`, `/apis`, `/apis/<group>`, `/apis/<group>/<version>`. Always the unaggregated (v1)
 * form with `Content-Type: application/json`: client-go reads the response Content-Type and, when
 * it is not `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`, decodes the
 * legacy APIVersions / APIGroupList and fetches each group version (discovery_client.go
 * downloadLegacy / downloadAPIs), which is how kubectl ≥ 1.26 falls back.
 */
import { type CrdDefinition, groupVersion, SERVED_CRDS } from './crds';

/** The Kubernetes version the emulator answers as (see emulator/README.md, "Version"). */
export const EMULATED_VERSION = { major: '1', minor: '31', gitVersion: 'v1.31.0' } as const;

/** The verbs kube-apiserver lists for every custom resource (and for its status subresource). */
const CR_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
const STATUS_VERBS = ['get', 'patch', 'update'];

interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

function groups(crds: readonly CrdDefinition[]): Array<{ name: string; versions: GroupVersionForDiscovery[]; preferredVersion: GroupVersionForDiscovery }> {
  const byGroup = new Map<string, GroupVersionForDiscovery[]>();
  for (const c of crds) {
    const list = byGroup.get(c.group) ?? [];
    if (!list.some((v) => v.version === c.version)) list.push({ groupVersion: groupVersion(c), version: c.version });
    byGroup.set(c.group, list);
  }
  return [...byGroup].map(([name, versions]) => ({ name, versions, preferredVersion: versions[0]! }));
}

function resourceList(gv: string, crds: readonly CrdDefinition[]): unknown {
  const resources: unknown[] = [];
  for (const c of crds) {
    if (groupVersion(c) !== gv) continue;
    resources.push({
      name: c.plural,
      singularName: c.singular,
      namespaced: c.namespaced,
      kind: c.kind,
      verbs: CR_VERBS,
      shortNames: c.shortNames,
    });
    if (c.statusSubresource) resources.push({ name: `${c.plural}/status`, singularName: '', namespaced: c.namespaced, kind: c.kind, verbs: STATUS_VERBS });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources };
}

/**
 * The discovery document for `path`, or undefined when the path is not a discovery path.
 * `serverAddress` is the host:port the client used (for APIVersions' serverAddressByClientCIDRs).
 */
export function discoveryDocument(path: string, serverAddress: string, crds: readonly CrdDefinition[] = SERVED_CRDS): unknown {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (p === '/version') {
    return {
      major: EMULATED_VERSION.major,
      minor: EMULATED_VERSION.minor,
      gitVersion: EMULATED_VERSION.gitVersion,
      gitCommit: '0000000000000000000000000000000000000000',
      gitTreeState: 'clean',
      buildDate: '2026-01-01T00:00:00Z',
      goVersion: 'go1.22.0',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
  }
  if (p === '/api') {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }
  if (p === '/api/v1') return { kind: 'APIResourceList', groupVersion: 'v1', resources: [] };
  if (p === '/apis') return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups(crds) };
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(p);
  if (!m) return undefined;
  const group = groups(crds).find((g) => g.name === m[1]);
  if (!group) return undefined;
  if (m[2] === undefined) return { kind: 'APIGroup', apiVersion: 'v1', ...group };
  if (!group.versions.some((v) => v.version === m[2])) return undefined;
  return resourceList(`${m[1]}/${m[2]}`, crds);
}

/** Whether `path` is one discovery answers (`/version`, `/api`, `/api/v1`, `/apis`, `/apis/<g>[/<v>]`). */
export function isDiscoveryPath(path: string): boolean {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return p === '/version' || p === '/api' || p === '/api/v1' || p === '/apis' || /^\/apis\/[^/]+(\/[^/]+)?$/.test(p);
}
