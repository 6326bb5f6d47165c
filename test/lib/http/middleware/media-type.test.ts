/** The body's media type (415): essence compared case-insensitively, UTF-8 only, normalised for the parser. */
import { describe, expect, it } from 'vitest';
import { mediaTypes, parseMediaType } from '../../../../lib/http/middleware/media-type';
import { callRequest, runBefore } from '../../../support/middy';

const ACCEPTED = ['application/json', 'application/merge-patch+json'];

describe('parseMediaType', () => {
  it('essence lower-cased, charset read, other parameters ignored', () => {
    expect(parseMediaType('Application/JSON; charset="UTF-8"; x=y')).toEqual({ essence: 'application/json', charset: 'UTF-8' });
    expect(parseMediaType(' application/json ')).toEqual({ essence: 'application/json' });
    expect(parseMediaType(undefined)).toEqual({ essence: '' });
    expect(parseMediaType('text/plain;CHARSET = latin1')).toEqual({ essence: 'text/plain', charset: 'latin1' });
  });
});

describe('mediaTypes', () => {
  const check = (ct?: string) => {
    const req = callRequest({ method: 'PATCH', headers: ct === undefined ? {} : { 'content-type': ct } });
    return runBefore(mediaTypes(ACCEPTED, 'application/json or application/merge-patch+json'), req).then((err) => ({ err, ct: req.internal.call.headers['content-type'] }));
  };
  it('accepts listed types in any case and with a UTF-8 charset, and normalises the header', async () => {
    expect(await check('APPLICATION/JSON; charset=utf-8')).toEqual({ err: undefined, ct: 'application/json' });
    expect(await check('application/merge-patch+json;charset=UTF8')).toEqual({ err: undefined, ct: 'application/merge-patch+json' });
  });
  it.each(['text/plain', 'application/xml', 'application/json-patch+json', 'application/strategic-merge-patch+json', '', 'application/jsonx'])('refuses %j with 415 naming the hint', async (ct) => {
    const { err } = await check(ct);
    expect(err).toMatchObject({ status: 415, code: 'unsupported-media-type', retryable: false, message: expect.stringContaining('use application/json or application/merge-patch+json') });
  });
  it('no Content-Type at all: 415 saying (none)', async () => {
    expect((await check()).err).toMatchObject({ status: 415, message: expect.stringContaining('"(none)"') });
  });
  it('a charset other than UTF-8 is refused (415 unsupported-charset)', async () => {
    for (const cs of ['latin1', 'utf-16', 'iso-8859-1', '']) {
      expect((await check(`application/json; charset=${cs}`)).err).toMatchObject({ status: 415, code: 'unsupported-charset' });
    }
  });
});
