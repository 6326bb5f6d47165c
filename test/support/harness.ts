/**
 * Integration harness: a real emulator on an ephemeral port, handlers loaded as a cold module
 * (fresh module scope: empty token cache), invoked with events built from events/.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, vi } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/index';
import { functionGraphContext, lambdaContext, type FgContextOptions } from './contexts';
import { answer, httpEvent, type Answer, type HttpEventOptions, type HttpFn, type Platform } from './http-events';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** Imports a function module in a fresh module registry, as a cold Lambda instance would. */
export async function coldHandler(fn: string): Promise<Handler> {
  vi.resetModules();
  const mod = (await import(`../../functions/${fn}.ts`)) as { handler: Handler };
  return mod.handler;
}

export function contextFor(platform: Platform, remainingMs = 15_000, fg: FgContextOptions = {}): Record<string, unknown> {
  return platform === 'aws' ? lambdaContext(remainingMs) : functionGraphContext({ remainingMs, ...fg });
}

export async function callHttp(
  handler: Handler,
  platform: Platform,
  fn: HttpFn,
  opts: HttpEventOptions = {},
  remainingMs = 15_000,
  fg: FgContextOptions = {},
): Promise<Answer> {
  return answer(await handler(httpEvent(platform, fn, opts), contextFor(platform, remainingMs, fg)));
}

/** Captures every log line written while a test runs. */
export function captureLogs(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  // Spy on stdout itself: cold-loaded modules have their own logger instances.
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return { lines, restore: () => spy.mockRestore() };
}

/**
 * A real emulator for the whole test file: started before its tests, closed after them, and with
 * faults and counters cleared before each test. The returned object stands for the running
 * emulator (it forwards to the instance started in `beforeAll`).
 */
export function useEmulator(opts: EmulatorOptions = { port: 0 }): Emulator {
  let current: Emulator | undefined;
  beforeAll(async () => {
    current = await startEmulator(opts);
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(() => {
    current!.clearFaults();
    current!.resetStats();
  });
  return new Proxy({} as Emulator, {
    get(_target, key) {
      if (!current) throw new Error('the emulator starts in beforeAll: use it inside hooks and tests');
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
  });
}

/**
 * A TCP server for the whole test file that accepts connections and never answers: the
 * dependency that hangs. `url` is its http:// address; `accepted` counts the connections it took.
 */
export function useBlackHole(): { readonly url: string; readonly accepted: number } {
  let server: net.Server | undefined;
  const sockets = new Set<net.Socket>();
  let url = '';
  beforeAll(async () => {
    server = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server?.close(resolve));
  });
  return {
    get url() {
      return url;
    },
    get accepted() {
      return sockets.size;
    },
  };
}

/** A TCP port free right now on 127.0.0.1, for a process the test starts (serverless-offline). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
