/** The listing query (labelSelector, limit, continue): defaults, pass-through, and a 400 naming the parameter. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, parseListQuery } from '../../../lib/job/list-query';

describe('parseListQuery', () => {
  const q = (entries: Array<[string, string]>) => parseListQuery(new Map(entries));
  it('defaults and pass-through', () => {
    expect([DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT]).toEqual([100, 500]);
    expect(q([])).toEqual({ limit: 100 });
    expect(q([['limit', '500'], ['labelSelector', ' a=b '], ['continue', 'eyJ2Ijoi']])).toEqual({ limit: 500, labelSelector: 'a=b', continue: 'eyJ2Ijoi' });
    expect(q([['labelSelector', '  '], ['continue', '']])).toEqual({ limit: 100 });
  });
  it.each([['limit', '0'], ['limit', '501'], ['limit', '00001'], ['limit', '1e2'], ['limit', ' 5'], ['continue', 'a\u00e9'], ['continue', 'a\nb'], ['labelSelector', 'a in']])(
    '400 for %s=%j',
    (k, v) => {
      expect(() => q([[k, v]])).toThrow(expect.objectContaining({ status: 400, errors: [expect.objectContaining({ path: `/query/${k}` })] }));
    },
  );
});
