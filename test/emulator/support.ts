/**
 * Shared setup of the emulator's own tests: one emulator per test file (files run isolated), the
 * seed names, and small fetch helpers that speak to it over real HTTP as a CCI client would.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../emulator/index';

export const NS = 'cci-namespace-42263891';
export const JOB = 'openmpi-hello-2-com';
export const JOB3 = 'openmpi-hello-3-com';
export const TOKEN = 'local-dev-token';
export const PASSWORD_BODY = (password = 'demo-password', project = 'cn-north-4') => ({
  auth: {
    identity: { methods: ['password'], password: { user: { name: 'demo-user', password, domain: { name: 'demo-domain' } } } },
    scope: { project: { name: project } },
  },
});

let current: Emulator | undefined;

/** Starts an emulator for the file (faults cleared before each test); `t.emu` is it. */
export function useEmulator(opts: EmulatorOptions = {}): { readonly emu: Emulator } {
  beforeAll(async () => {
    current = await startEmulator({ port: 0, ...opts });
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(() => {
    current?.clearFaults();
  });
  return {
    get emu(): Emulator {
      if (!current) throw new Error('emulator not started');
      return current;
    },
  };
}

function emulatorUrl(): string {
  if (!current) throw new Error('emulator not started');
  return current.url;
}

export function jobsUrl(ns = NS, name?: string, query = ''): string {
  return `${emulatorUrl()}/apis/batch.volcano.sh/v1alpha1/namespaces/${ns}/jobs${name ? '/' + name : ''}${query ? '?' + query : ''}`;
}

export interface CciAnswer {
  status: number;
  headers: Headers;
  text: string;
  // Test-side view of an arbitrary JSON answer.
  json: any;
}

export async function cci(
  method: string,
  url: string,
  init: { body?: unknown; contentType?: string; token?: string | null; headers?: Record<string, string> } = {},
): Promise<CciAnswer> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token !== null) headers['X-Auth-Token'] = init.token ?? TOKEN;
  if (init.contentType) headers['Content-Type'] = init.contentType;
  const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const merge = (name: string, body: unknown, query = ''): Promise<CciAnswer> =>
  cci('PATCH', jobsUrl(NS, name, query), { body, contentType: 'application/merge-patch+json' });
export const jsonPatch = (name: string, body: unknown, query = ''): Promise<CciAnswer> =>
  cci('PATCH', jobsUrl(NS, name, query), { body, contentType: 'application/json-patch+json' });
