/** One function, one method (405). */
import { describe, expect, it } from 'vitest';
import { allowMethod } from '../../../../lib/http/middleware/method';
import { callRequest, runBefore } from '../../../support/middy';

describe('allowMethod', () => {
  it('passes the route\'s method, refuses any other with 405', async () => {
    expect(await runBefore(allowMethod('GET'), callRequest({ method: 'GET' }))).toBeUndefined();
    for (const m of ['PATCH', 'POST', 'DELETE', 'HEAD', 'get']) {
      expect(await runBefore(allowMethod('GET'), callRequest({ method: m }))).toMatchObject({ status: 405, code: 'method-not-allowed', message: 'This function answers GET only' });
    }
  });
});
