/**
 * Inputs a hostile or unlucky caller sends, end to end against the emulator over real HTTP, with
 * handlers called with events from events/: JavaScript built-in names as task names and map keys
 * on every path (structured body, raw merge patch, raw JSON patch, queue message), raw patch values
 * outside Kubernetes' rules, deep nesting, invalid Unicode, charsets, base64 line breaks, byte
 * counts, and Job answers with odd fields.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_JOB_OPENMPI_HELLO_2, startEmulator, type Emulator, type Job } from '../../emulator';
import { lambdaContext } from '../support/contexts';
import { CLEAN_ENV, setEnv } from '../support/env';
import { callHttp, coldHandler, contextFor } from '../support/harness';
import { answer, httpEvent, SEED_NS, type Platform } from '../support/http-events';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emu.close();
});

const NAME = 'builtin-names';
type Handler = Awaited<ReturnType<typeof coldHandler>>;
let patchJob: Handler;
let getJob: Handler;
let fromQueue: Handler;

/** A job whose second task is named `constructor` (and labels with built-in names as keys). */
function builtinJob(): Job {
  const job = structuredClone(SEED_JOB_OPENMPI_HELLO_2) as Job & { spec: { tasks: Array<Record<string, unknown>>; minAvailable: number } };
  job.metadata.name = NAME;
  job.metadata.labels = { toString: 'a' };
  job.spec.tasks = [
    { ...job.spec.tasks[0]!, name: 'mpimaster', replicas: 1, minAvailable: 1 },
    { ...job.spec.tasks[1]!, name: 'constructor', replicas: 2, minAvailable: 2 },
  ];
  job.spec.minAvailable = 3;
  return job;
}

beforeEach(async () => {
  emu.clearFaults();
  emu.putJob(SEED_NS, builtinJob());
  emu.resetStats();
  setEnv({ ...CLEAN_ENV, CCI_ENDPOINT: emu.url, CCI_TOKEN: 'local-dev-token', ALLOWED_NAMESPACES: SEED_NS, WEBHOOK_AUTH: 'none' });
  [patchJob, getJob, fromQueue] = [await coldHandler('patchJob'), await coldHandler('getJob'), await coldHandler('patchFromQueue')];
});

const stored = () => emu.getJob(SEED_NS, NAME)! as Job & { spec: { minAvailable: number; tasks: Array<{ name: string; replicas: number; minAvailable?: number; template: unknown }> } };
const replicasOf = () => stored().spec.tasks.map((t) => [t.name, t.replicas, t.minAvailable]);
const patches = () => emu.requests().filter((r) => r.service === 'cci' && r.method === 'PATCH');

function patch(body: string, contentType = 'application/json', o: { platform?: Platform; query?: Array<[string, string]> } = {}) {
  return callHttp(patchJob, o.platform ?? 'aws', 'patchJob', { body, contentType, secret: null, name: NAME, query: o.query ?? [] });
}
async function queue(...bodies: string[]) {
  const records = bodies.map((body, i) => ({ messageId: `m${i}`, body, attributes: {}, eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:eu-west-1:1:q', awsRegion: 'eu-west-1' }));
  return (await fromQueue({ Records: records }, lambdaContext(15_000))) as { batchItemFailures: Array<{ itemIdentifier: string }> };
}

describe('names that are JavaScript built-ins are data on every path', () => {
  it('structured body: {"minAvailable":1} on tasks mpimaster + constructor sends both tasks with replicas intact', async () => {
    const res = await patch('{"minAvailable":1}');
    expect(res.statusCode).toBe(200);
    expect(stored().spec.minAvailable).toBe(1);
    expect(replicasOf()).toEqual([['mpimaster', 1, 1], ['constructor', 2, 2]]);
  });

  it('structured body: replicas of the task named constructor; toString / __proto__ are no tasks of this job', async () => {
    expect((await patch('{"replicas":{"constructor":4}}')).statusCode).toBe(200);
    expect(replicasOf()).toEqual([['mpimaster', 1, 1], ['constructor', 4, 2]]);
    const unknown = await patch('{"replicas":{"toString":1}}');
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json.type).toContain('unknown-task');
    // `__proto__` is an own key of the parsed body: its value is checked (not a count: 400), never dropped.
    const proto = await patch('{"replicas":{"__proto__":{"mpiworker":3}}}');
    expect(proto.statusCode).toBe(400);
    expect(proto.json.errors).toEqual([{ path: '/replicas/__proto__', message: expect.any(String) }]);
    expect(replicasOf()).toEqual([['mpimaster', 1, 1], ['constructor', 4, 2]]);
  });

  it('structured body: labels named constructor, hasOwnProperty, toString are stored; __proto__ is refused as Kubernetes refuses it', async () => {
    const res = await patch('{"labels":{"constructor":"c","hasOwnProperty":"h","toString":null}}');
    expect(res.statusCode).toBe(200);
    expect(stored().metadata.labels).toEqual({ constructor: 'c', hasOwnProperty: 'h' });
    const proto = await patch('{"labels":{"__proto__":"x"}}');
    expect(proto.statusCode).toBe(422);
    expect(proto.json.errors[0].path).toBe('/labels/__proto__');
    // Already applied: nothing to write, and an inherited `toString` is not mistaken for a label.
    emu.resetStats();
    expect((await patch('{"labels":{"constructor":"c","toString":null},"replicas":{"constructor":2}}')).statusCode).toBe(200);
    expect(patches()).toHaveLength(0);
  });

  it('raw merge patch: annotations named constructor / toString stored; a task list naming constructor checked against the job', async () => {
    expect((await patch('{"metadata":{"annotations":{"constructor":"x","toString":"y"}}}', 'application/merge-patch+json')).statusCode).toBe(200);
    expect(stored().metadata.annotations).toMatchObject({ constructor: 'x', toString: 'y' });
    const tasks = structuredClone(stored().spec.tasks);
    tasks[1]!.replicas = 5;
    expect((await patch(JSON.stringify({ spec: { tasks } }), 'application/merge-patch+json')).statusCode).toBe(200);
    expect(replicasOf()).toEqual([['mpimaster', 1, 1], ['constructor', 5, 2]]);
    expect((await patch('{"metadata":{"annotations":{"__proto__":"p"}}}', 'application/merge-patch+json')).statusCode).toBe(422);
  });

  it('raw JSON patch: a label key hasOwnProperty is added; the constructor task scaled', async () => {
    const ops = [
      { op: 'add', path: '/metadata/labels/hasOwnProperty', value: 'v' },
      { op: 'replace', path: '/spec/tasks/1/replicas', value: 3 },
    ];
    expect((await patch(JSON.stringify(ops), 'application/json-patch+json')).statusCode).toBe(200);
    expect(stored().metadata.labels).toEqual({ toString: 'a', hasOwnProperty: 'v' });
    expect(replicasOf()).toEqual([['mpimaster', 1, 1], ['constructor', 3, 2]]);
  });

  it('queue message: replicas of constructor and labels named toString / hasOwnProperty applied as asked', async () => {
    const out = await queue(JSON.stringify({ namespace: SEED_NS, name: NAME, replicas: { constructor: 6 }, labels: { hasOwnProperty: 'q', toString: null } }));
    expect(out.batchItemFailures).toEqual([]);
    expect(replicasOf()).toEqual([['mpimaster', 1, 1], ['constructor', 6, 2]]);
    expect(stored().metadata.labels).toEqual({ hasOwnProperty: 'q' });
    // A `__proto__` replica map is refused for good (not retried) and changes nothing.
    const bad = await queue(`{"namespace":"${SEED_NS}","name":"${NAME}","replicas":{"__proto__":{"constructor":1}}}`);
    expect(bad.batchItemFailures).toEqual([]);
    expect(replicasOf()).toEqual([['mpimaster', 1, 1], ['constructor', 6, 2]]);
  });
});

describe('raw patch values outside Kubernetes rules: 422 before CCI is called', () => {
  it.each<[string, unknown]>([
    ['null replicas', [{ op: 'replace', path: '/spec/tasks/0/replicas', value: null }]],
    ['negative replicas', [{ op: 'replace', path: '/spec/tasks/0/replicas', value: -1 }]],
    ['fractional replicas', [{ op: 'replace', path: '/spec/tasks/0/replicas', value: 1.5 }]],
    ['string replicas', [{ op: 'replace', path: '/spec/tasks/0/replicas', value: '2' }]],
    ['replicas above 2^31-1', [{ op: 'replace', path: '/spec/tasks/0/replicas', value: 2_147_483_648 }]],
    ['a negative job minAvailable', [{ op: 'replace', path: '/spec/minAvailable', value: -3 }]],
    ['an invalid label key', [{ op: 'add', path: '/metadata/labels/bad key', value: 'x' }]],
    ['an invalid label value', [{ op: 'add', path: '/metadata/labels/ok', value: 'not ok!' }]],
    ['labels replaced by a non-object', [{ op: 'replace', path: '/metadata/labels', value: ['x'] }]],
    ['a template that is not an object', [{ op: 'replace', path: '/spec/tasks/0/template', value: 'pod' }]],
  ])('JSON patch: %s', async (_, ops) => {
    const res = await patch(JSON.stringify(ops), 'application/json-patch+json');
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(emu.stats().cci.total).toBe(0);
    expect((await callHttp(getJob, 'aws', 'getJob', { secret: null, name: NAME })).statusCode).toBe(200);
  });

  it('what needs the job (a task minAvailable above its replicas, a copied value) is refused after the read, never sent', async () => {
    const over = await patch(JSON.stringify([{ op: 'replace', path: '/spec/tasks/0/minAvailable', value: 2 }]), 'application/json-patch+json');
    expect(over.statusCode).toBe(422);
    expect(over.json.errors).toEqual([{ path: '/spec/tasks/0/minAvailable', message: expect.stringContaining('exceeds') }]);
    const copied = await patch(JSON.stringify([{ op: 'copy', from: '/spec/tasks/0/template', path: '/metadata/labels/t' }]), 'application/json-patch+json');
    expect(copied.statusCode).toBe(422);
    const merged = await patch(JSON.stringify({ spec: { tasks: [{ name: 'mpimaster', replicas: null }] } }), 'application/merge-patch+json');
    expect(merged.statusCode).toBe(422);
    expect(patches()).toHaveLength(0);
  });

  it('a valid JSON patch goes out with the read resourceVersion as its precondition', async () => {
    const rv = stored().metadata.resourceVersion;
    expect((await patch(JSON.stringify([{ op: 'replace', path: '/spec/tasks/1/replicas', value: 7 }]), 'application/json-patch+json')).statusCode).toBe(200);
    expect(JSON.parse(patches()[0]!.body!)).toEqual([
      { op: 'replace', path: '/spec/tasks/1/replicas', value: 7 },
      { op: 'replace', path: '/metadata/resourceVersion', value: rv },
    ]);
  });
});

describe('depth', () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

  it('a merge patch whose template nests 5,000 arrays is a 400, not a RangeError', async () => {
    const body = `{"spec":{"tasks":[{"name":"mpimaster","template":{"x":${deep(5_000)}}}]}}`;
    for (const platform of ['aws', 'functiongraph'] as const) {
      const res = await patch(body, 'application/merge-patch+json', { platform });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.json.detail).toMatch(/deeper than 100/);
    }
    expect(emu.stats().cci.total).toBe(0);
  });

  it('a queue message nested 5,000 deep is refused for good, not retried', async () => {
    const out = await queue(`{"namespace":"${SEED_NS}","name":"${NAME}","labels":{"a":"b"},"x":${deep(5_000)}}`);
    expect(out.batchItemFailures).toEqual([]);
    expect(emu.stats().cci.total).toBe(0);
  });
});

describe('text', () => {
  it('a lone surrogate in a FunctionGraph APIG query parameter or a header is a 400 before anything else', async () => {
    setEnv({ WEBHOOK_AUTH: undefined, WEBHOOK_SECRET: 'secret' });
    const handler = await coldHandler('getJob');
    const query = httpEvent('functiongraph', 'getJob', { secret: null });
    query.queryStringParameters = { view: 'summary\ud800' };
    const header = httpEvent('aws', 'getJob', { secret: null, headers: { 'x-note': 'a\udc00b' } });
    for (const [event, platform] of [[query, 'functiongraph'], [header, 'aws']] as const) {
      const res = answer(await handler(event, contextFor(platform)));
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.json.type).toContain('invalid-text');
    }
  });

  it('a lone surrogate escaped inside a JSON body is a 400 (no UTF-8 peer can store it)', async () => {
    const res = await patch('{"annotations":{"note":"a\\ud800b"}}');
    expect(res.statusCode).toBe(400);
    expect(emu.stats().cci.total).toBe(0);
  });

  it('charset other than utf-8: 415; bytes that are not UTF-8: 400; nothing is stored mangled', async () => {
    expect((await patch('{"annotations":{"note":"café"}}', 'application/json; charset=latin1')).statusCode).toBe(415);
    expect((await patch('{"annotations":{"note":"café"}}', 'application/json; charset=UTF-8')).statusCode).toBe(200);
    const latin1 = httpEvent('functiongraph', 'patchJob', { secret: null, name: NAME });
    latin1.body = Buffer.from('{"annotations":{"note":"caf\xe9"}}', 'latin1').toString('base64');
    const res = answer(await patchJob(latin1, contextFor('functiongraph')));
    expect(res.statusCode).toBe(400);
    expect(stored().metadata.annotations).toEqual({ note: 'café' });
  });

  it('base64 with line breaks is measured after decoding: exactly 1 MiB decoded is accepted, one byte more is 413', async () => {
    const json = (size: number) => {
      const head = '{"labels":{"size":"mib"}';
      return head + ' '.repeat(size - head.length - 1) + '}';
    };
    const event = (size: number) => {
      const ev = httpEvent('functiongraph', 'patchJob', { secret: null, name: NAME });
      ev.body = Buffer.from(json(size)).toString('base64').replace(/.{76}/g, '$&\r\n');
      return ev;
    };
    expect(Buffer.from(json(1024 * 1024)).length).toBe(1024 * 1024);
    expect(answer(await patchJob(event(1024 * 1024), contextFor('functiongraph'))).statusCode).toBe(200);
    expect(answer(await patchJob(event(1024 * 1024 + 1), contextFor('functiongraph'))).statusCode).toBe(413);
  });

  it('fieldManager is counted in bytes as Kubernetes counts it (128), printable characters only', async () => {
    const body = '{"labels":{"fm":"x"}}';
    expect((await patch(body, 'application/json', { query: [['fieldManager', '€'.repeat(42)]] })).statusCode).toBe(200); // 126 bytes
    expect((await patch(body, 'application/json', { query: [['fieldManager', '€'.repeat(43)]] })).statusCode).toBe(400); // 129 bytes, 43 characters
    expect((await patch('{"labels":{"fm":"x"},"fieldManager":"a\\u0000b"}')).statusCode).toBe(400);
  });
});

describe('Job answers are read liberally', () => {
  const odd = (): Job => {
    const job = builtinJob() as any; // odd on purpose: fields of the wrong types
    job.metadata.name = 'odd-job';
    job.spec.tasks[0].replicas = '3';
    job.spec.tasks.push('not a task');
    job.status = { state: { phase: 7 }, running: 'many' };
    job.metadata.labels = { fine: 'yes', number: 5 };
    job.somethingNew = { kept: true };
    return job;
  };

  it('GET passes a Job with odd fields through as CCI sent it; the summary reads it defensively', async () => {
    emu.putJob(SEED_NS, odd());
    const full = await callHttp(getJob, 'aws', 'getJob', { secret: null, name: 'odd-job' });
    expect(full.statusCode).toBe(200);
    expect(full.json.spec.tasks[0].replicas).toBe('3');
    expect(full.json.somethingNew).toEqual({ kept: true });
    const summary = await callHttp(getJob, 'aws', 'getJob', { secret: null, name: 'odd-job', query: [['view', 'summary']] });
    expect(summary.statusCode).toBe(200);
    expect(summary.json.phase).toBeUndefined();
    expect(summary.json).toMatchObject({ running: 0, labels: { fine: 'yes' }, tasks: [{ name: 'mpimaster', replicas: null }, { name: 'constructor', replicas: 2 }] });
  });

  it('a patch on such a job neither crashes nor "fixes" the odd task: it goes back as read, and CCI has the last word', async () => {
    emu.putJob(SEED_NS, odd());
    const res = await callHttp(patchJob, 'aws', 'patchJob', { body: '{"replicas":{"constructor":3},"minAvailable":1}', secret: null, name: 'odd-job' });
    // The emulator's CRD schema refuses the job as a whole (as the apiserver would): a 4xx passed on, not a 500.
    expect(res.statusCode).toBe(422);
    const sent = JSON.parse(patches()[0]!.body!) as { spec: { tasks: unknown[] } };
    expect(sent.spec.tasks).toEqual([expect.objectContaining({ name: 'mpimaster', replicas: '3' }), expect.objectContaining({ name: 'constructor', replicas: 3 }), 'not a task']);
    expect((emu.getJob(SEED_NS, 'odd-job')!.spec as { tasks: unknown[] }).tasks[0]).toMatchObject({ replicas: '3' });
  });

  it('an answer that is not a Job is a 502 for HTTP, and permanent (not retried) for a queue message', async () => {
    emu.addFault({ method: 'GET', action: { type: 'garbage' } });
    expect((await callHttp(getJob, 'aws', 'getJob', { secret: null, name: NAME })).statusCode).toBe(502);
    emu.addFault({ method: 'GET', action: { type: 'garbage' } });
    const out = await queue(JSON.stringify({ namespace: SEED_NS, name: NAME, replicas: { constructor: 1 } }));
    expect(out.batchItemFailures).toEqual([]);
  });
});
