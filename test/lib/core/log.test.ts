import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, logSink, redact } from '../../../lib/core/log';

const original = logSink.write;
afterEach(() => {
  logSink.write = original;
});

describe('logs', () => {
  it('redacts credential-looking fields at any depth and keeps the rest', () => {
    expect(redact({ token: 't', headers: { 'x-auth-token': 'x', Authorization: 'a', accept: 'json' }, nested: [{ password: 'p', ok: 1 }] })).toEqual({
      token: '[redacted]',
      headers: { 'x-auth-token': '[redacted]', Authorization: '[redacted]', accept: 'json' },
      nested: [{ password: '[redacted]', ok: 1 }],
    });
  });

  it('writes one JSON line with level, message, base fields and redacted extras', () => {
    const lines: string[] = [];
    logSink.write = (l) => lines.push(l);
    createLogger({ fn: 'getJob', requestId: 'r1' }).info('done', { status: 200, secretKey: 'sk' });
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: 'info', msg: 'done', fn: 'getJob', requestId: 'r1', status: 200, secretKey: '[redacted]' });
  });
});
