/** The Job guard that checks every CCI answer (liberal: kind, apiVersion and metadata.name make a Job), the readers, and the summary. */
import { describe, expect, it } from 'vitest';
import { SEED_JOB_OPENMPI_HELLO_3 } from '../../../emulator';
import { count, field, jobPhase, parseJob, parseJobList, scanJobList, stringMap, summarizeJob, tasksOf, type VolcanoJob } from '../../../lib/job/model';

const job = (patch: Record<string, unknown> = {}): Record<string, unknown> => ({ apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: { name: 'j' }, ...patch });

describe('parseJob', () => {
  it('takes a Job as CCI returns it, unknown fields kept', () => {
    const seed = structuredClone(SEED_JOB_OPENMPI_HELLO_3);
    expect(parseJob(seed)).toBe(seed);
    expect(parseJob(job({ extra: { deep: 1 }, status: { state: { phase: 'Running', reason: 'x' } } }))?.extra).toEqual({ deep: 1 });
  });
  it.each([
    ['a numeric resourceVersion', job({ metadata: { name: 'j', resourceVersion: 5 } })],
    ['labels that are not strings', job({ metadata: { name: 'j', labels: { a: 1 } } })],
    ['annotations as an array', job({ metadata: { name: 'j', annotations: ['a'] } })],
    ['spec as a string', job({ spec: 'x' })],
    ['minAvailable as a string', job({ spec: { minAvailable: '1' } })],
    ['tasks as an object', job({ spec: { tasks: {} } })],
    ['a task without a name', job({ spec: { tasks: [{ replicas: 1 }] } })],
    ['replicas as a string', job({ spec: { tasks: [{ name: 't', replicas: '2' }] } })],
    ['status as an array', job({ status: [] })],
    ['a numeric phase', job({ status: { state: { phase: 3 } } })],
  ])('takes a Job with %s, passed through as sent', (_what, value) => expect(parseJob(value)).toBe(value));
  it.each([
    ['null', null],
    ['an array', [job()]],
    ['a Status', { kind: 'Status', apiVersion: 'v1', metadata: { name: 'x' }, code: 404 }],
    ['a JobList', { kind: 'JobList', items: [], metadata: { name: 'x' } }],
    ['no metadata', { kind: 'Job', apiVersion: 'batch.volcano.sh/v1alpha1' }],
    ['no kind', { apiVersion: 'batch.volcano.sh/v1alpha1', metadata: { name: 'j' } }],
    ['no apiVersion', { kind: 'Job', metadata: { name: 'j' } }],
    ['a name that is not a string', job({ metadata: { name: 1 } })],
    ['nesting deeper than 1,000 levels', job({ spec: JSON.parse('['.repeat(1_001) + ']'.repeat(1_001)) })],
  ])('refuses %s', (_what, value) => expect(parseJob(value)).toBeUndefined());
});

describe('defensive readers', () => {
  it('own properties only, the right type or undefined', () => {
    const j = job({ metadata: { name: 'j', labels: JSON.parse('{"a":"1","b":2,"__proto__":"p"}') }, spec: { tasks: [{ name: 'x' }, 'junk', null], minAvailable: 2.5 } }) as VolcanoJob;
    expect(field({}, 'constructor')).toBeUndefined();
    expect(field({}, 'toString')).toBeUndefined();
    expect(stringMap(j.metadata.labels)).toEqual(JSON.parse('{"a":"1","__proto__":"p"}'));
    expect(tasksOf(j)).toEqual([{ name: 'x' }]);
    expect(count(field(j.spec, 'minAvailable'))).toBeUndefined();
    expect([count(0), count(2 ** 31 - 1), count(2 ** 31), count(-1), count('1')]).toEqual([0, 2 ** 31 - 1, undefined, undefined, undefined]);
  });
});

describe('parseJobList', () => {
  it('items must all be Jobs; metadata.continue a string', () => {
    expect(parseJobList({ items: [job()], metadata: { continue: 'c' } })?.items).toHaveLength(1);
    expect(parseJobList({ items: [job({ spec: { tasks: [{ name: 't', replicas: 'odd' }] } })] })?.items).toHaveLength(1);
    expect(parseJobList({ items: [] })).toBeDefined();
    expect(parseJobList({ items: [job(), { kind: 'Status' }] })).toBeUndefined();
    expect(parseJobList({ items: {} })).toBeUndefined();
    expect(parseJobList({ items: [], metadata: { continue: 1 } })).toBeUndefined();
    expect(parseJobList({ items: [], metadata: 'x' })).toBeUndefined();
    expect(parseJobList(job())).toBeUndefined();
  });
});

describe('summarizeJob', () => {
  it('summarises the seed job', () => {
    const s = summarizeJob(SEED_JOB_OPENMPI_HELLO_3 as unknown as VolcanoJob);
    expect(s).toMatchObject({ name: 'openmpi-hello-3-com', phase: 'Inqueue', minAvailable: 1, pending: 3, queue: 'default' });
    expect(s.tasks).toEqual([{ name: 'mpimaster', replicas: 1 }, { name: 'mpiworker', replicas: 2 }]);
  });
  it('zeros and empties for what is missing; `Succeeded` of older Volcano counts', () => {
    expect(summarizeJob({ metadata: { name: 'j' } })).toEqual({
      namespace: undefined, name: 'j', uid: undefined, resourceVersion: undefined, phase: undefined, minAvailable: undefined,
      pending: 0, running: 0, succeeded: 0, failed: 0, tasks: [], labels: {}, queue: undefined,
    });
    expect(summarizeJob({ metadata: { name: 'j' }, status: { Succeeded: 4 } }).succeeded).toBe(4);
    expect(summarizeJob({ metadata: { name: 'j' }, status: { Succeeded: 4, succeeded: 2 } }).succeeded).toBe(2);
    expect(summarizeJob({ metadata: { name: 'j' }, spec: { tasks: [{ name: 't' }] } }).tasks).toEqual([{ name: 't', replicas: 0 }]);
  });
  it('odd fields are read defensively: no crash, no invented values', () => {
    const odd = { metadata: { name: 'j', uid: 5, labels: { a: 'b', n: 1 } }, spec: { minAvailable: '2', queue: 7, tasks: [{ name: 't', replicas: '3' }, 'junk', { name: 5, replicas: 1 }] }, status: { state: { phase: 4 }, running: 'x', pending: 2 } };
    expect(summarizeJob(odd)).toMatchObject({ uid: undefined, minAvailable: undefined, queue: undefined, phase: undefined, running: 0, pending: 2, labels: { a: 'b' }, tasks: [{ name: 't', replicas: null }, { name: undefined, replicas: 1 }] });
    expect(jobPhase(odd)).toBeUndefined();
  });
  it('jobPhase reads status.state.phase', () => {
    expect(jobPhase({ metadata: { name: 'j' }, status: { state: { phase: 'Running' } } })).toBe('Running');
    expect(jobPhase({ metadata: { name: 'j' } })).toBeUndefined();
  });
});

describe('scanJobList', () => {
  /** What the sweep would see: the jobs visited (only if the page is accepted) and the page's facts. */
  const scan = (text: string | Buffer) => {
    const visited: VolcanoJob[] = [];
    const page = scanJobList(Buffer.isBuffer(text) ? text : Buffer.from(text), (j) => visited.push(j));
    return page && { ...page, visited };
  };
  /** The same through parseJobList of the whole text. */
  const whole = (text: string) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
    const list = parseJobList(value);
    return list && { jobs: list.items.length, continue: list.metadata?.continue, bytes: Buffer.byteLength(text), visited: list.items };
  };
  const nested = (levels: number) => `${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}`;
  const list = (items: string, tail = ',"metadata":{"continue":"c2"}') => `{"apiVersion":"batch.volcano.sh/v1alpha1","kind":"JobList","items":[${items}]${tail}}`;
  const j = (name: string, extra = '') => `{"apiVersion":"batch.volcano.sh/v1alpha1","kind":"Job","metadata":{"name":${JSON.stringify(name)}}${extra}}`;

  it.each([
    ['a page of jobs', list(`${j('a')}, ${j('b', ',"status":{"state":{"phase":"Running"}}')}`)],
    ['an empty page without metadata', list('', '')],
    ['names with quotes, backslashes and brackets', list(`${j('a"],\\')},${j('{"items":[')}`)],
    ['a Job nested 1,000 levels (the limit)', list(j('d', `,"spec":${nested(1000)}`))],
    ['a Job nested 1,001 levels', list(j('d', `,"spec":${nested(1001)}`))],
    ['a Status in the page', list(`${j('a')},{"kind":"Status","apiVersion":"v1","metadata":{}}`)],
    ['a string in the page', list(`${j('a')},"x"`)],
    ['a Job without a name', list('{"apiVersion":"v","kind":"Job","metadata":{}}')],
    ['a continue token that is not a string', list(j('a'), ',"metadata":{"continue":5}')],
    ['metadata that is not an object', list(j('a'), ',"metadata":[]')],
    ['items twice (the whole-text parse keeps the last)', `{"items":[${j('a')}],"items":[${j('b')},${j('c')}]}`],
    ['an escaped items key', `{"items":[${j('a')}],"it\u0065ms":[${j('b')}]}`],
    ['items not an array', '{"items":{"0":1}}'],
    ['invalid JSON in a job', list(`${j('a')},{"kind":"Job",}`)],
    ['invalid JSON after the items', `${list(j('a'))} x`],
    ['an HTML page from a proxy', '<html>502</html>'],
  ])('%s: the same as parseJobList of the whole text', (_what, text) => {
    expect(scan(text)).toEqual(whole(text));
  });

  it('visits nothing of a page it refuses: the sweep drops what it gathered with the page', () => {
    const visited: string[] = [];
    expect(scanJobList(Buffer.from(list(`${j('a')},${j('b')},"bad"`)), (job) => visited.push(job.metadata.name))).toBeUndefined();
    // Jobs before the bad one may have been visited: the contract is "gather per page".
    expect(visited.length).toBeLessThanOrEqual(2);
  });

  it('reads the emulator seed Job as the whole-text parse does, bytes counted as sent', () => {
    const text = list(`${JSON.stringify(SEED_JOB_OPENMPI_HELLO_3)},${j('é日本')}`);
    const page = scan(text)!;
    expect(page).toEqual(whole(text));
    expect(page.bytes).toBeGreaterThan(text.length);
  });
});

describe('scanJobList depth rule', () => {
  it('takes a Job nested 1,000 levels and refuses one nested 1,001, as parseJob does', () => {
    const at = (levels: number) =>
      Buffer.from(`{"items":[{"apiVersion":"v","kind":"Job","metadata":{"name":"d"},"spec":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}]}`);
    expect(scanJobList(at(1000), () => {})?.jobs).toBe(1);
    expect(scanJobList(at(1001), () => {})).toBeUndefined();
    expect(parseJob(JSON.parse(at(1000).toString()).items[0])).toBeDefined();
    expect(parseJob(JSON.parse(at(1001).toString()).items[0])).toBeUndefined();
  });
});

describe('scanJobList bounds', () => {
  it('refuses 16 MiB of tiny objects at the first one, without scanning on', () => {
    const tiny = Buffer.from(`{"items":[${'{},'.repeat(5_500_000)}{}]}`);
    const t0 = performance.now();
    expect(scanJobList(tiny, () => {})).toBeUndefined();
    expect(performance.now() - t0).toBeLessThan(200);
    expect(parseJobList(JSON.parse(tiny.toString()))).toBeUndefined();
  });

  it('takes the shortest Job there is, and refuses anything shorter before parsing it', () => {
    const shortest = '{"apiVersion":"","kind":"Job","metadata":{"name":""}}';
    expect(scanJobList(Buffer.from(`{"items":[${shortest}]}`), () => {})?.jobs).toBe(1);
    expect(parseJob(JSON.parse(shortest))).toBeDefined();
    expect(scanJobList(Buffer.from('{"items":[{"kind":"Job","metadata":{"name":""}}]}'), () => {})).toBeUndefined();
  });

  it('an odd-shaped page (the field twice) is parsed whole up to 1 MiB, refused above', () => {
    const job = '{"apiVersion":"v","kind":"Job","metadata":{"name":"a"}}';
    const small = `{"items":[],"items":[${job}]}`;
    expect(scanJobList(Buffer.from(small), () => {})?.jobs).toBe(1);
    const pad = 'x'.repeat(1024 * 1024);
    const big = `{"pad":"${pad}","items":[],"items":[${job}]}`;
    expect(parseJobList(JSON.parse(big))?.items).toHaveLength(1);
    expect(scanJobList(Buffer.from(big), () => {})).toBeUndefined();
  });
});
