/** The authorized exchange: headers from the credential per send, one fresh-token repeat after a 401, never two. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deadline } from '../../../lib/core/deadline';
import { authorizedExchange } from '../../../lib/credentials/authorized-exchange';
import type { CciAuth } from '../../../lib/credentials/port';

let server: http.Server;
let url = '';
const seen: string[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(String(req.headers['x-auth-token']));
    res.writeHead(req.headers['x-auth-token'] === 'fresh' ? 200 : 401).end('x');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function auth(tokens: string[], droppable: boolean): CciAuth {
  return {
    kind: 'iam-token',
    fingerprint: 'f',
    authorize: async (req) => ({ ...req.headers, 'x-auth-token': tokens.shift() ?? 'none' }),
    unauthorized: () => droppable,
  };
}

describe('authorizedExchange', () => {
  it('after a 401 for a droppable token, sends once more with a fresh one', async () => {
    seen.length = 0;
    const send = authorizedExchange(auth(['stale', 'fresh'], true), { method: 'GET', url, headers: {} }, Deadline.after(2_000));
    const r = await send(1_000);
    expect(r.kind === 'response' && r.status).toBe(200);
    expect(seen).toEqual(['stale', 'fresh']);
  });

  it('repeats at most once per call, across attempts, and not at all when nothing could be dropped', async () => {
    seen.length = 0;
    const send = authorizedExchange(auth(['a', 'b', 'c'], true), { method: 'GET', url, headers: {} }, Deadline.after(2_000));
    expect((await send(1_000)).kind === 'response').toBe(true);
    const second = await send(1_000);
    expect(second.kind === 'response' && second.status).toBe(401);
    expect(seen).toEqual(['a', 'b', 'c']);
    seen.length = 0;
    const fixed = authorizedExchange(auth(['static'], false), { method: 'GET', url, headers: {} }, Deadline.after(2_000));
    expect(((await fixed(1_000)) as { status: number }).status).toBe(401);
    expect(seen).toEqual(['static']);
  });
});
