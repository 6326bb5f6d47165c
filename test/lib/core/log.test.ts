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

  it('a field named __proto__ stays a field (and is still redacted inside)', () => {
    const value = JSON.parse('{"__proto__":{"token":"t","ok":1},"constructor":"c"}');
    const out = redact(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"token":"[redacted]","ok":1},"constructor":"c"}');
  });

  it('deep values are cut, not walked to the bottom', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(JSON.stringify(redact({ deep }))).toContain('[depth]');
  });
});
