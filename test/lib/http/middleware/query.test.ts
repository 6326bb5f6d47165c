/** Query parameters: only the route's, `view` summary or absent (400 otherwise). */
import { describe, expect, it } from 'vitest';
import { queryParameters, viewOf } from '../../../../lib/http/middleware/query';
import { callRequest, runBefore } from '../../../support/middy';

describe('queryParameters', () => {
  it('passes accepted parameters, including none', async () => {
    expect(await runBefore(queryParameters(['view']), callRequest())).toBeUndefined();
    expect(await runBefore(queryParameters(['view', 'dryRun']), callRequest({ query: [['dryRun', 'All'], ['view', 'summary']] }))).toBeUndefined();
  });
  it('names an unknown parameter and what is accepted', async () => {
    expect(await runBefore(queryParameters(['view']), callRequest({ query: [['verbose', '1']] }))).toMatchObject({
      status: 400, code: 'invalid-query', message: 'Unknown query parameter "verbose"; only "view" is accepted',
    });
    expect(await runBefore(queryParameters(['view', 'dryRun']), callRequest({ query: [['x', '1']] }))).toMatchObject({ message: 'Unknown query parameter "x"; accepted: view, dryRun' });
    // Built-in names are not accepted by accident.
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(await runBefore(queryParameters(['view']), callRequest({ query: [[key, '1']] }))).toMatchObject({ status: 400, code: 'invalid-query' });
    }
  });
  it('checks view even when the route accepts it', async () => {
    expect(await runBefore(queryParameters(['view']), callRequest({ query: [['view', 'everything']] }))).toMatchObject({
      status: 400, errors: [{ path: '/query/view', message: 'must be "summary"' }],
    });
  });
});

describe('viewOf', () => {
  it('summary, full (named or absent); the last of repeated values wins', () => {
    expect(viewOf(new Map())).toBe('full');
    expect(viewOf(new Map([['view', 'full']]))).toBe('full');
    expect(viewOf(new Map([['view', 'summary']]))).toBe('summary');
    expect(viewOf(callRequest({ query: [['view', 'bogus'], ['view', 'summary']] }).internal.call.params)).toBe('summary');
    expect(() => viewOf(new Map([['view', 'Summary']]))).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => viewOf(new Map([['view', '']]))).toThrow(expect.objectContaining({ status: 400 }));
  });
});
