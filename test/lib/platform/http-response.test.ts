/** The one HTTP answer shape both platforms take. */
import { describe, expect, it } from 'vitest';
import { httpResponse } from '../../../lib/platform/http-response';

describe('httpResponse', () => {
  it('status, headers, string body, never base64', () => {
    expect(httpResponse(201, { 'content-type': 'application/json' }, '{}')).toEqual({ statusCode: 201, headers: { 'content-type': 'application/json' }, body: '{}', isBase64Encoded: false });
  });
});
