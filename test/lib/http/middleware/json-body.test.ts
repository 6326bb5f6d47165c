/**
 * JSON bodies through @middy/http-json-body-parser: UTF-8 checked on the bytes first, the parser's
 * errors mapped to the contract's statuses (malformed 400, not JSON 415), other errors untouched.
 */
import { describe, expect, it } from 'vitest';
import { bodyParserError, jsonBody } from '../../../../lib/http/middleware/json-body';
import { callRequest, runBefore } from '../../../support/middy';

const parse = async (body: string | Buffer, contentType = 'application/json') => {
  const req = callRequest({ method: 'PATCH', headers: { 'content-type': contentType }, body });
  const err = await runBefore(jsonBody(), req);
  return { err, body: req.internal.call.body };
};

describe('jsonBody', () => {
  it('parses JSON (and +json types) into the call\'s body', async () => {
    expect(await parse('{"labels":{"a":"b"}}')).toEqual({ err: undefined, body: { labels: { a: 'b' } } });
    expect(await parse('[{"op":"test","path":"/a","value":1}]', 'application/json-patch+json')).toEqual({ err: undefined, body: [{ op: 'test', path: '/a', value: 1 }] });
    expect((await parse('{"a":"ü€😀"}', 'application/merge-patch+json')).body).toEqual({ a: 'ü€😀' });
  });
  it('keeps __proto__ as a plain key of the parsed object', async () => {
    const { body } = await parse('{"__proto__":{"polluted":1}}');
    expect(Object.keys(body as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('malformed JSON is a 400 invalid-json with the parser\'s reason', async () => {
    for (const text of ['{', '{"a":}', "{'a':1}", 'undefined']) {
      expect((await parse(text)).err).toMatchObject({ status: 400, code: 'invalid-json', message: expect.stringMatching(/^The body is not valid JSON: /) });
    }
  });
  it('an empty body is malformed JSON too', async () => {
    expect((await parse('')).err).toMatchObject({ status: 400 });
  });
  it('bytes that are not UTF-8 are a 400 invalid-encoding, before parsing', async () => {
    expect((await parse(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).err).toMatchObject({ status: 400, code: 'invalid-encoding' });
    // A lone surrogate encoded as CESU bytes is not UTF-8 either.
    expect((await parse(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]))).err).toMatchObject({ code: 'invalid-encoding' });
  });
  it('a media type the parser does not take is a 415', async () => {
    expect((await parse('{}', 'text/plain')).err).toMatchObject({ status: 415, code: 'unsupported-media-type' });
  });
});

describe('bodyParserError', () => {
  it('maps only the parser\'s errors', () => {
    expect(bodyParserError(new Error('x'))).toBeUndefined();
    expect(bodyParserError(undefined)).toBeUndefined();
    expect(bodyParserError({ cause: { package: 'other' } })).toBeUndefined();
    expect(bodyParserError({ cause: { package: '@middy/http-json-body-parser', message: 'Unexpected end' } })).toMatchObject({ status: 400, code: 'invalid-json' });
    expect(bodyParserError({ cause: { package: '@middy/http-json-body-parser' } })).toMatchObject({ status: 415 });
  });
});
