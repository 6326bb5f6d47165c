/**
 * listJobs end to end: the handler invoked with AWS and FunctionGraph events against the emulator over
 * real HTTP. Pages a 1,000-job namespace (one CCI list call per invocation), with selectors and
 * summaries; expired continue tokens (410), bad queries (400 without a CCI call), namespaces outside
 * the allow-list (403), and the signature over the collection path and its query.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator';
import { CLEAN_ENV, setEnv } from '../support/env';
import { callHttp, captureLogs, coldHandler, contextFor } from '../support/harness';
import { answer, httpEvent, SEED_NS, TEST_SECRET, type Platform } from '../support/http-events';

const BIG = 'big-ns';
let emu: Emulator;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  emu.createJobs(BIG, 600, { prefix: 'train', labels: { team: 'a', tier: 'gpu' } });
  emu.createJobs(BIG, 400, { prefix: 'infer', phase: 'Pending', labels: { team: 'b' } });
});
afterAll(async () => {
  await emu.close();
});

function env(extra: Record<string, string> = {}) {
  setEnv({
    ...CLEAN_ENV,
    CCI_ENDPOINT: emu.url,
    CCI_TOKEN: 'local-dev-token',
    ALLOWED_NAMESPACES: `${SEED_NS},${BIG}`,
    WEBHOOK_SECRET: TEST_SECRET,
    ...extra,
  });
}

beforeEach(() => {
  emu.clearFaults();
  emu.resetStats();
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  for (const line of logs.lines) {
    expect(line).not.toContain('local-dev-token');
    expect(line).not.toContain(TEST_SECRET);
  }
});

type Handler = Awaited<ReturnType<typeof coldHandler>>;

/** Pages through the namespace as a caller would; returns the names seen and the pages fetched. */
async function pageThrough(list: Handler, platform: Platform, query: Array<[string, string]>) {
  const names: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await callHttp(list, platform, 'listJobs', { namespace: BIG, query: token ? [...query, ['continue', token]] : query });
    expect(res.statusCode).toBe(200);
    pages++;
    for (const item of res.json.items) names.push(item.name ?? item.metadata.name);
    token = res.json.continue;
    if (token !== undefined) expect(typeof token).toBe('string');
  } while (token !== undefined && pages < 100);
  return { names, pages };
}

describe.each<Platform>(['aws', 'functiongraph'])('listJobs on %s', (platform) => {
  it('pages a 1,000-job namespace: every job once, one CCI list call per page, remainingItemCount passed on', async () => {
    env();
    const list = await coldHandler('listJobs');
    const first = await callHttp(list, platform, 'listJobs', { namespace: BIG, query: [['limit', '300']] });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.json.items).toHaveLength(300);
    expect(first.json.items[0]).toMatchObject({ kind: 'Job', metadata: { namespace: BIG } });
    expect(first.json.remainingItemCount).toBe(700);
    expect(emu.stats().cci.list).toBe(1);
    emu.resetStats();

    const { names, pages } = await pageThrough(list, platform, [['limit', '300']]);
    expect(pages).toBe(4);
    expect(names).toHaveLength(1000);
    expect(new Set(names).size).toBe(1000);
    expect(emu.stats().cci.list).toBe(4);
    // Each CCI call asked for exactly the page the caller asked for.
    for (const r of emu.requests().filter((x) => x.service === 'cci')) expect(new URLSearchParams(r.query).get('limit')).toBe('300');
  });

  it('default limit 100; limit 500 at most', async () => {
    env();
    const list = await coldHandler('listJobs');
    const res = await callHttp(list, platform, 'listJobs', { namespace: BIG });
    expect(res.json.items).toHaveLength(100);
    const max = await callHttp(list, platform, 'listJobs', { namespace: BIG, query: [['limit', '500']] });
    expect(max.json.items).toHaveLength(500);
    expect(new URLSearchParams(emu.requests().at(-1)!.query).get('limit')).toBe('500');
  });

  it('label selectors are passed to CCI: equality, set-based, existence, negation', async () => {
    env();
    const list = await coldHandler('listJobs');
    expect((await pageThrough(list, platform, [['labelSelector', 'team=a'], ['limit', '250']])).names).toHaveLength(600);
    expect((await pageThrough(list, platform, [['labelSelector', 'team in (b, c)'], ['limit', '500']])).names).toHaveLength(400);
    expect((await pageThrough(list, platform, [['labelSelector', '!tier'], ['limit', '500']])).names).toHaveLength(400);
    expect((await pageThrough(list, platform, [['labelSelector', 'team,tier=gpu,team notin ()'], ['limit', '500']])).names).toHaveLength(600);
    const sent = emu.requests().filter((r) => r.service === 'cci').map((r) => new URLSearchParams(r.query).get('labelSelector'));
    expect(sent).toContain('team in (b, c)');
  });

  it('view=summary: items as summaries, with reason, message and lastTransitionTime from status.state', async () => {
    env();
    const job = emu.getJob(BIG, 'infer-00000')!;
    emu.putJob(BIG, {
      ...job,
      status: { ...job.status, state: { phase: 'Pending', reason: 'PodGroupPending', message: 'waiting for resources', lastTransitionTime: '2026-01-01T00:00:00Z' } },
    } as typeof job);
    const list = await coldHandler('listJobs');
    const res = await callHttp(list, platform, 'listJobs', { namespace: BIG, query: [['view', 'summary'], ['labelSelector', 'team=b'], ['limit', '2']] });
    expect(res.statusCode).toBe(200);
    expect(res.json.items).toHaveLength(2);
    expect(res.json.items[0]).toMatchObject({
      namespace: BIG,
      name: 'infer-00000',
      phase: 'Pending',
      reason: 'PodGroupPending',
      message: 'waiting for resources',
      lastTransitionTime: '2026-01-01T00:00:00Z',
      labels: { team: 'b' },
    });
    expect(res.json.items[0].metadata).toBeUndefined();
    // A job whose state has no reason or message: the fields are absent, not null.
    expect(res.json.items[1]).not.toHaveProperty('reason');
    expect(res.json.items[1]).not.toHaveProperty('message');
    // A selector with a label only the selector's job... and no more pages: no continue field at all.
    const last = await callHttp(list, platform, 'listJobs', { namespace: SEED_NS });
    expect(last.json.items).toHaveLength(2);
    expect(last.json).not.toHaveProperty('continue');
  });

  it('410: an expired continue token tells the caller to start over without it', async () => {
    env();
    const list = await coldHandler('listJobs');
    const first = await callHttp(list, platform, 'listJobs', { namespace: BIG, query: [['limit', '10']] });
    const token: string = first.json.continue;
    expect(token).toBeTruthy();
    emu.expireContinueTokens();
    const res = await callHttp(list, platform, 'listJobs', { namespace: BIG, query: [['limit', '10'], ['continue', token]] });
    expect(res.statusCode).toBe(410);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json).toMatchObject({ status: 410, title: 'Gone', type: expect.stringContaining('continue-expired') });
    expect(res.json.detail).toMatch(/start the listing over without "continue"/);
    // Starting over works.
    expect((await callHttp(list, platform, 'listJobs', { namespace: BIG, query: [['limit', '10']] })).statusCode).toBe(200);
  });

  it('400: a printable continue token CCI cannot decode (padded base64) names the parameter, not a refused change', async () => {
    env();
    const list = await coldHandler('listJobs');
    const first = await callHttp(list, platform, 'listJobs', { namespace: BIG, query: [['limit', '10']] });
    const token: string = first.json.continue;
    // What a client that re-encodes with padding would send: printable, but not the raw URL-safe base64 the apiserver issued.
    const padded = `${token}=`;
    const res = await callHttp(list, platform, 'listJobs', { namespace: BIG, query: [['limit', '10'], ['continue', padded]] });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json.errors).toEqual([{ path: '/query/continue', message: 'is not a continue token CCI issued' }]);
    expect(res.json.detail).toMatch(/continue key is not valid/);
  });

  it('400: bad selectors, limits and continue tokens, each named, without calling CCI', async () => {
    env();
    const list = await coldHandler('listJobs');
    const cases: Array<[string, string, RegExp]> = [
      ['labelSelector', 'team=a,', /labelSelector.*expected: identifier after ','/],
      ['labelSelector', 'team in a', /expected: '\('/],
      ['labelSelector', 'Bad Key!=x', /expected: in, notin/],
      ['labelSelector', '-team=a', /key "-team"/],
      ['labelSelector', 'team=a b', /found 'b', expected: ',' or 'end of string'/],
      ['labelSelector', 'team=' + 'x'.repeat(64), /must be no more than 63 characters/],
      ['labelSelector', 'replicas>two', /must be an integer/],
      ['labelSelector', '!team=a', /found '=', expected: ','/],
      ['labelSelector', 'x'.repeat(5000), /longer than 4096/],
      ['limit', '0', /limit.*1 to 500/],
      ['limit', '501', /limit.*1 to 500/],
      ['limit', '10.5', /limit/],
      ['limit', '', /limit/],
      ['limit', '-1', /limit/],
      ['continue', 'tok en', /continue/],
      ['continue', 'x'.repeat(9000), /continue/],
      ['view', 'table', /view/],
      ['fieldSelector', 'metadata.name=x', /Unknown query parameter "fieldSelector"/],
    ];
    for (const [param, value, detail] of cases) {
      const res = await callHttp(list, platform, 'listJobs', { namespace: BIG, query: [[param, value]] });
      expect(res.statusCode, `${param}=${value.slice(0, 30)}`).toBe(400);
      expect(res.json.detail).toMatch(detail);
    }
    const named = await callHttp(list, platform, 'listJobs', { namespace: BIG, query: [['labelSelector', 'a=b,,']] });
    expect(named.json.errors).toEqual([{ path: '/query/labelSelector', message: expect.stringContaining('is not a valid label selector') }]);
    expect((await callHttp(list, platform, 'listJobs', { namespace: 'Not_A_Namespace' })).statusCode).toBe(400);
    expect(emu.stats().cci.total).toBe(0);
  });

  it('valid edge selectors per apimachinery reach CCI: in (), trailing comma in a set, empty value, in as a value', async () => {
    env();
    const list = await coldHandler('listJobs');
    for (const selector of ['team in ()', 'team in (a,)', 'team notin (,)', 'team=', 'team!=', 'team in (in, notin)', 'x.example.com/team==a', 'replicas>1']) {
      const res = await callHttp(list, platform, 'listJobs', { namespace: BIG, query: [['labelSelector', selector], ['limit', '1']] });
      expect(res.statusCode, selector).toBe(200);
    }
    expect(emu.stats().cci.list).toBe(8);
  });

  it('403: a namespace outside ALLOWED_NAMESPACES, and every namespace when it is unset; CCI is not called', async () => {
    env({ ALLOWED_NAMESPACES: SEED_NS });
    const list = await coldHandler('listJobs');
    const res = await callHttp(list, platform, 'listJobs', { namespace: BIG });
    expect(res.statusCode).toBe(403);
    expect(res.json.detail).toContain(BIG);
    setEnv({ ALLOWED_NAMESPACES: undefined });
    expect((await callHttp(list, platform, 'listJobs', { namespace: SEED_NS })).statusCode).toBe(403);
    expect(emu.stats().cci.total).toBe(0);
  });

  it('401: the signature covers the collection path and the query', async () => {
    env();
    const list = await coldHandler('listJobs');
    expect((await callHttp(list, platform, 'listJobs', { secret: null })).statusCode).toBe(401);
    const tampered = httpEvent(platform, 'listJobs', { namespace: BIG, query: [['limit', '1']] });
    if (platform === 'aws') tampered.rawQueryString = 'limit=500';
    tampered.queryStringParameters = { limit: '500' };
    expect(answer(await list(tampered, contextFor(platform))).statusCode).toBe(401);
    expect(emu.stats().cci.total).toBe(0);
  });

  it('reads the namespace off the path when the gateway gives no path parameters', async () => {
    env();
    const list = await coldHandler('listJobs');
    const ev = httpEvent(platform, 'listJobs', { namespace: BIG, query: [['limit', '5']] });
    delete ev.pathParameters;
    const res = answer(await list(ev, contextFor(platform)));
    expect(res.statusCode).toBe(200);
    expect(res.json.items).toHaveLength(5);
  });

  it('a CCI that hangs is answered with 504 before the deadline', async () => {
    env();
    const list = await coldHandler('listJobs');
    emu.addFault({ times: Infinity, action: { type: 'hang' } });
    const started = Date.now();
    const res = await callHttp(list, platform, 'listJobs', { namespace: BIG }, 1_500);
    expect(res.statusCode).toBe(504);
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
