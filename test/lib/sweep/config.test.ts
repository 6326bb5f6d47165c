/** The sweep's configuration (SWEEP_* variables) and the per-run override. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONCURRENCY, DEFAULT_PAGE_SIZE, DEFAULT_STUCK_AFTER_MS, namespaceIssues, parseOverride, sweepConfigFrom } from '../../../lib/sweep/config';
import { DEFAULT_WRITES_IN_FLIGHT } from '../../../lib/sweep/run';
import { AppError } from '../../../lib/core/errors';

describe('sweep configuration', () => {
  const env = (vars: Record<string, string>) => (k: string) => vars[k];
  it('reads SWEEP_* with defaults', () => {
    expect(sweepConfigFrom(env({ SWEEP_NAMESPACES: 'a, b,a' }))).toEqual({
      namespaces: ['a', 'b'],
      labelSelector: undefined,
      stuckAfterMs: DEFAULT_STUCK_AFTER_MS,
      pageSize: 250,
      concurrency: 4,
      writesInFlight: 16,
      eventsQueueUrl: undefined,
    });
    expect(sweepConfigFrom(env({ SWEEP_NAMESPACES: 'a', SWEEP_STUCK_AFTER: '30m', SWEEP_PAGE_SIZE: '50', SWEEP_LABEL_SELECTOR: 'app=x' }))).toMatchObject({
      stuckAfterMs: 1_800_000,
      pageSize: 50,
      labelSelector: 'app=x',
    });
  });
  it('reads the notification topics', () => {
    expect(
      sweepConfigFrom(
        env({
          SWEEP_NAMESPACES: 'a',
          SWEEP_EVENTS_TOPIC_ARN: ' arn:aws:sns:eu-west-1:123456789012:sweep-events.fifo ',
          SWEEP_EVENTS_SMN_TOPIC_URN: 'urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:sweep',
          SMN_ENDPOINT: 'https://smn.example.com',
        }),
      ),
    ).toMatchObject({
      eventsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:sweep-events.fifo',
      eventsSmnTopicUrn: 'urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:sweep',
      smnEndpoint: 'https://smn.example.com',
    });
  });
  it('the override wins over the variables', () => {
    expect(sweepConfigFrom(env({ SWEEP_NAMESPACES: 'a', SWEEP_LABEL_SELECTOR: 'app=x' }), { namespaces: ['b'], labelSelector: '' })).toMatchObject({
      namespaces: ['b'],
      labelSelector: undefined,
    });
  });
  it.each([
    [{}, /SWEEP_NAMESPACES is not set/],
    [{ SWEEP_NAMESPACES: 'Bad_NS' }, /not namespaces/],
    [{ SWEEP_NAMESPACES: '*' }, /not namespaces/],
    [{ SWEEP_NAMESPACES: 'a', SWEEP_STUCK_AFTER: 'soon' }, /SWEEP_STUCK_AFTER/],
    [{ SWEEP_NAMESPACES: 'a', SWEEP_PAGE_SIZE: '0' }, /SWEEP_PAGE_SIZE/],
    [{ SWEEP_NAMESPACES: 'a', SWEEP_EVENTS_TOPIC_ARN: 'sweep-events' }, /SWEEP_EVENTS_TOPIC_ARN must be an SNS topic ARN/],
    [{ SWEEP_NAMESPACES: 'a', SWEEP_EVENTS_TOPIC_ARN: 'arn:aws:sqs:eu-west-1:123456789012:q' }, /SWEEP_EVENTS_TOPIC_ARN/],
  ])('configuration error for %j', (vars, message) => {
    expect(() => sweepConfigFrom(env(vars as Record<string, string>))).toThrow(message);
  });
});

describe('sweep configuration, bounds', () => {
  const env = (vars: Record<string, string>) => (k: string) => vars[k];
  it('SWEEP_PAGE_SIZE 1..10000, SWEEP_CONCURRENCY 1..32 and SWEEP_WRITES_IN_FLIGHT 1..64, integers only; errors are config errors (500, not retryable)', () => {
    expect(sweepConfigFrom(env({ SWEEP_NAMESPACES: 'a', SWEEP_PAGE_SIZE: '10000', SWEEP_CONCURRENCY: '32', SWEEP_WRITES_IN_FLIGHT: '64' }))).toMatchObject({ pageSize: 10_000, concurrency: 32, writesInFlight: 64 });
    expect(sweepConfigFrom(env({ SWEEP_NAMESPACES: 'a', SWEEP_PAGE_SIZE: ' 7 ', SWEEP_WRITES_IN_FLIGHT: '1' }))).toMatchObject({ pageSize: 7, concurrency: DEFAULT_CONCURRENCY, writesInFlight: 1 });
    expect(sweepConfigFrom(env({ SWEEP_NAMESPACES: 'a' }))).toMatchObject({ writesInFlight: DEFAULT_WRITES_IN_FLIGHT });
    for (const [k, v] of [['SWEEP_PAGE_SIZE', '10001'], ['SWEEP_PAGE_SIZE', '2.5'], ['SWEEP_PAGE_SIZE', '1e3'], ['SWEEP_CONCURRENCY', '0'], ['SWEEP_CONCURRENCY', '33'], ['SWEEP_CONCURRENCY', '-1'], ['SWEEP_WRITES_IN_FLIGHT', '0'], ['SWEEP_WRITES_IN_FLIGHT', '65'], ['SWEEP_WRITES_IN_FLIGHT', '8x']] as const) {
      let err: unknown;
      try {
        sweepConfigFrom(env({ SWEEP_NAMESPACES: 'a', [k]: v }));
      } catch (e) {
        err = e;
      }
      expect(err, `${k}=${v}`).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ status: 500, code: 'config', retryable: false, message: expect.stringContaining(k) });
    }
    expect(DEFAULT_PAGE_SIZE).toBe(250);
  });
  it('names every bad namespace by position', () => {
    expect(namespaceIssues(['ok', 'Bad', 'also_bad'], 'SWEEP_NAMESPACES').map((i) => i.path)).toEqual(['SWEEP_NAMESPACES/1', 'SWEEP_NAMESPACES/2']);
    let err: unknown;
    try {
      sweepConfigFrom(env({ SWEEP_NAMESPACES: 'ok,Bad' }));
    } catch (e) {
      err = e;
    }
    expect((err as AppError).errors).toEqual([expect.objectContaining({ path: 'SWEEP_NAMESPACES/1', message: expect.stringContaining('"Bad"') })]);
  });
  it('a whitespace-only selector is no selector; SWEEP_STUCK_AFTER=0 is allowed; the events queue is read', () => {
    expect(sweepConfigFrom(env({ SWEEP_NAMESPACES: 'a', SWEEP_LABEL_SELECTOR: '  ' })).labelSelector).toBeUndefined();
    expect(sweepConfigFrom(env({ SWEEP_NAMESPACES: 'a', SWEEP_STUCK_AFTER: '0' })).stuckAfterMs).toBe(0);
    expect(sweepConfigFrom(env({ SWEEP_NAMESPACES: 'a', SWEEP_EVENTS_QUEUE_URL: 'https://q' })).eventsQueueUrl).toBe('https://q');
    expect(DEFAULT_STUCK_AFTER_MS).toBe(3_600_000);
  });
});

describe('parseOverride', () => {
  const fails = (value: Record<string, unknown>, path = '/x') => {
    try {
      parseOverride(value, path);
    } catch (e) {
      return e as AppError;
    }
    throw new Error('did not fail');
  };
  it('keeps namespaces and labelSelector, ignores other keys', () => {
    expect(parseOverride({ namespaces: ['a'], labelSelector: 'x=y', other: 1 }, '')).toEqual({ namespaces: ['a'], labelSelector: 'x=y' });
    expect(parseOverride({}, '')).toEqual({});
  });
  it('refuses (400 invalid-sweep-override) with paths under the given prefix', () => {
    expect(fails({ namespaces: [] })).toMatchObject({ status: 400, code: 'invalid-sweep-override', retryable: false });
    expect(fails({ namespaces: [] }).errors?.[0]?.path).toBe('/x/namespaces');
    expect(fails({ namespaces: Array.from({ length: 1001 }, (_, i) => `n${i}`) }).errors?.[0]?.path).toBe('/x/namespaces');
    expect(fails({ labelSelector: 'x'.repeat(4097) }).errors?.[0]?.path).toBe('/x/labelSelector');
    expect(fails({ namespaces: ['a', 'B'] }).errors?.map((e) => e.path)).toEqual(['/x/namespaces/1']);
  });
  it('names each problem in the project\'s issue wording, in field order', () => {
    const errors = (value: Record<string, unknown>) => fails(value).errors;
    expect(errors({ namespaces: 'a', labelSelector: 1 })).toEqual([
      { path: '/x/namespaces', message: 'must be a array' },
      { path: '/x/labelSelector', message: 'must be a string' },
    ]);
    expect(errors({ namespaces: null })).toEqual([{ path: '/x/namespaces', message: 'must be a array' }]);
    expect(errors({ namespaces: [] })).toEqual([{ path: '/x/namespaces', message: 'must be >= 1' }]);
    expect(errors({ namespaces: [1, 'a', null] })).toEqual([
      { path: '/x/namespaces/0', message: 'must be a string' },
      { path: '/x/namespaces/2', message: 'must be a string' },
    ]);
    // Over the bound: one issue for the list, not one per element.
    expect(errors({ namespaces: [...Array.from({ length: 1000 }, (_, i) => `n${i}`), 5] })).toEqual([{ path: '/x/namespaces', message: 'must be <= 1000' }]);
    expect(errors({ labelSelector: 'x'.repeat(4097) })).toEqual([{ path: '/x/labelSelector', message: 'must be at most 4096 characters' }]);
    // Names are checked as namespaces only once the shapes are right.
    expect(errors({ namespaces: ['B'], labelSelector: 3 })).toEqual([{ path: '/x/labelSelector', message: 'must be a string' }]);
    expect(errors({ namespaces: ['a', 'B'] })).toEqual([{ path: '/x/namespaces/1', message: expect.stringMatching(/^"B": a lowercase RFC 1123 label/) }]);
  });
  it('bounds the selector in code points: a surrogate pair is one character, a lone surrogate one too', () => {
    const pair = '\u{1F600}';
    expect(parseOverride({ labelSelector: pair.repeat(4096) }, '')).toEqual({ labelSelector: pair.repeat(4096) });
    expect(fails({ labelSelector: pair.repeat(4097) }).errors).toEqual([{ path: '/x/labelSelector', message: 'must be at most 4096 characters' }]);
    expect(parseOverride({ labelSelector: 'x'.repeat(4095) + pair }, '').labelSelector).toHaveLength(4097);
    expect(fails({ labelSelector: '\ud800'.repeat(4097) }).errors?.[0]?.path).toBe('/x/labelSelector');
  });
  it('a key such as __proto__ or constructor is not a namespace list', () => {
    const parsed = JSON.parse('{"__proto__":{"namespaces":["evil"]},"constructor":1}') as Record<string, unknown>;
    expect(parseOverride(parsed, '')).toEqual({});
  });
});
