/**
 * The FunctionGraph zips as deployed: each holds index.js exporting `handler`, self-contained
 * (the SDK clients it may use in its own node_modules), and the packaged getJob answers an APIG
 * event with an agency token from the context, without IAM.
 */
import { tempDir } from '../support/tmp';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startEmulator, type Emulator } from '../../emulator';
import { kubeconfigText } from '../../emulator/kubeconfig';
import { packageFunctionGraph } from '../../scripts/package-functiongraph';
import { readZip } from '../../scripts/zip-files';
import { functionGraphContext } from '../support/contexts';
import { CLEAN_ENV, setEnv } from '../support/env';
import { answer, httpEvent, TEST_SECRET } from '../support/http-events';

let packaged: Awaited<ReturnType<typeof packageFunctionGraph>>;
let emu: Emulator;
const out = tempDir('fg-package-');

beforeAll(async () => {
  packaged = await packageFunctionGraph(join(out, 'zips'));
  emu = await startEmulator({ port: 0 });
}, 120_000);
afterAll(async () => {
  await emu.close();
});

async function extract(zipPath: string, dir: string): Promise<Map<string, Buffer>> {
  const files = await readZip(zipPath);
  for (const [name, data] of files) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return files;
}

describe('FunctionGraph packages', () => {
  it('one zip per function, each with index.js exporting handler and its SDK clients beside it', async () => {
    const names = packaged.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['getJob', 'patchJob']));
    for (const p of packaged) {
      const dir = join(out, 'x', p.name);
      const files = await extract(p.zip, dir);
      expect(files.has('index.js')).toBe(true);
      const mod = require(join(dir, 'index.js')) as { handler?: unknown };
      expect(typeof mod.handler).toBe('function');
      const source = files.get('index.js')!.toString();
      // Every SDK package index.js needs is in the zip, and yaml: nothing is expected from the runtime.
      expect(source).toContain('require("yaml")');
      for (const m of source.matchAll(/require\("(@aws-sdk\/[^"]+|yaml)"\)/g)) {
        expect(files.has(`node_modules/${m[1]}/index.js`)).toBe(true);
      }
      // yaml is not in index.js itself.
      expect(source).not.toContain('YAMLParseError');
    }
  });

  it('the packaged getJob reads a YAML kubeconfig from encrypted user data with the yaml it ships, over TLS', async () => {
    const p = packaged.find((x) => x.name === 'getJob')!;
    const dir = join(out, 'run-getJob-kube');
    await extract(p.zip, dir);
    const { handler } = require(join(dir, 'index.js')) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
    const kube = await startEmulator({ port: 0, tls: true, bearerTokens: ['fg-sa-token'] });
    try {
      setEnv({ ...CLEAN_ENV });
      const kubeconfig = stringify(JSON.parse(kubeconfigText({ server: kube.url, caPem: kube.caCert!, token: 'fg-sa-token' })));
      const ctx = functionGraphContext({ userData: { KUBECONFIG_DATA: kubeconfig, ALLOWED_NAMESPACES: '*', WEBHOOK_SECRET: TEST_SECRET } });
      const res = answer(await handler(httpEvent('functiongraph', 'getJob', { query: [['view', 'summary']] }), ctx));
      expect(res.statusCode).toBe(200);
      expect(res.json.name).toBe('openmpi-hello-3-com');
      expect(kube.requests().map((r) => r.auth)).toEqual(['bearer']);
    } finally {
      await kube.close();
    }
  });

  it('the packaged getJob answers an APIG event using the agency token from the context', async () => {
    const p = packaged.find((x) => x.name === 'getJob')!;
    const dir = join(out, 'run-getJob');
    await extract(p.zip, dir);
    const { handler } = require(join(dir, 'index.js')) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
    setEnv({ ...CLEAN_ENV });
    const ctx = functionGraphContext({
      token: emu.mintToken(),
      // FunctionGraph's environment variables reach the code through getUserData as well.
      userData: { CCI_ENDPOINT: emu.url, ALLOWED_NAMESPACES: '*', WEBHOOK_SECRET: TEST_SECRET },
    });
    emu.resetStats();
    const res = answer(await handler(httpEvent('functiongraph', 'getJob', { query: [['view', 'summary']] }), ctx));
    expect(res.statusCode).toBe(200);
    expect(res.json.name).toBe('openmpi-hello-3-com');
    expect(emu.stats().iamTokenRequests).toBe(0);
  });
});
