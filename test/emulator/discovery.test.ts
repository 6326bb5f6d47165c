/**
 * Discovery (emulator/discovery.ts) as kubectl and client-go read it: /version, /api, /apis and the
 * group versions, answered in the unaggregated form (plain application/json) even when the client
 * asks for aggregated discovery first, which is what makes client-go fall back.
 */
import { describe, expect, it } from 'vitest';
import { cci, TOKEN, useEmulator } from './support';

const t = useEmulator();
/** What client-go ≥ 1.30 sends for /api and /apis (discovery_client.go acceptDiscoveryFormats). */
const KUBECTL_DISCOVERY_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const bearer = { Authorization: `Bearer ${TOKEN}` };
const get = (path: string, headers: Record<string, string> = {}) => cci('GET', `${t.emu.url}${path}`, { token: null, headers: { ...bearer, ...headers } });

describe('discovery', () => {
  it('/version is public and names the emulated Kubernetes version', async () => {
    const r = await cci('GET', `${t.emu.url}/version`, { token: null });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ major: '1', minor: '31', gitVersion: 'v1.31.0', platform: 'linux/amd64' });
  });

  it('/api answers APIVersions as plain application/json to an aggregated-discovery Accept', async () => {
    const r = await get('/api', { Accept: KUBECTL_DISCOVERY_ACCEPT });
    expect(r.status).toBe(200);
    // Not ...;as=APIGroupDiscoveryList: client-go then decodes the legacy form.
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.json.kind).toBe('APIVersions');
    expect(r.json.versions).toEqual(['v1']);
    expect(r.json.serverAddressByClientCIDRs[0].serverAddress).toBe(new URL(t.emu.url).host);
    const v1 = await get('/api/v1');
    expect(v1.json).toEqual({ kind: 'APIResourceList', groupVersion: 'v1', resources: [] });
  });

  it('/apis lists batch.volcano.sh with its preferred version', async () => {
    const r = await get('/apis', { Accept: KUBECTL_DISCOVERY_ACCEPT });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.json.kind).toBe('APIGroupList');
    const batch = r.json.groups.find((g: { name: string }) => g.name === 'batch.volcano.sh');
    expect(batch).toEqual({
      name: 'batch.volcano.sh',
      versions: [{ groupVersion: 'batch.volcano.sh/v1alpha1', version: 'v1alpha1' }],
      preferredVersion: { groupVersion: 'batch.volcano.sh/v1alpha1', version: 'v1alpha1' },
    });
    const group = await get('/apis/batch.volcano.sh');
    expect(group.json).toMatchObject({ kind: 'APIGroup', apiVersion: 'v1', name: 'batch.volcano.sh' });
  });

  it('/apis/batch.volcano.sh/v1alpha1 lists jobs as the Volcano CRD declares them, and jobs/status', async () => {
    const r = await get('/apis/batch.volcano.sh/v1alpha1', { Accept: 'application/json, */*' });
    expect(r.status).toBe(200);
    expect(r.json.kind).toBe('APIResourceList');
    expect(r.json.groupVersion).toBe('batch.volcano.sh/v1alpha1');
    expect(r.json.resources).toEqual([
      {
        name: 'jobs',
        singularName: 'job',
        namespaced: true,
        kind: 'Job',
        verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
        shortNames: ['vcjob', 'vj'],
      },
      { name: 'jobs/status', singularName: '', namespaced: true, kind: 'Job', verbs: ['get', 'patch', 'update'] },
    ]);
  });

  it('needs a credential, 404s unknown groups and versions, 405s writes', async () => {
    const anon = await cci('GET', `${t.emu.url}/apis`, { token: null });
    expect(anon.status).toBe(401);
    expect(anon.json.kind).toBe('Status');
    expect((await get('/apis/apps')).status).toBe(404);
    expect((await get('/apis/batch.volcano.sh/v9')).status).toBe(404);
    const post = await cci('POST', `${t.emu.url}/apis`, { token: null, headers: bearer, body: '{}' });
    expect(post.status).toBe(405);
  });
});
