/**
 * Structured JSON logs, one line per event. Values under keys that look like credentials are
 * replaced before anything is written, so a token or password cannot reach the log by accident.
 */

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /token|password|secret|authorization|signature|credential|cookie|^sk$|secretkey|accesskey/i;

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[depth]';
  if (value instanceof Error) {
    const out: LogFields = { name: value.name, message: value.message };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (value.cause !== undefined) out.cause = redact(value.cause, depth + 1);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  // fromEntries defines own keys: a field named `__proto__` stays a field (assignment would set the prototype).
  return Object.fromEntries(Object.entries(value as LogFields).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]));
}

function threshold(): number {
  const name = (process.env.LOG_LEVEL ?? 'info').toLowerCase() as Level;
  return LEVELS[name] ?? LEVELS.info;
}

/** Where lines go; tests swap it to capture output. */
export const logSink: { write: (line: string) => void } = {
  write: (line) => process.stdout.write(line + '\n'),
};

export function createLogger(base: LogFields = {}): Logger {
  const emit = (level: Level, msg: string, fields?: LogFields) => {
    if (LEVELS[level] < threshold()) return;
    const entry = { level, time: new Date().toISOString(), msg, ...base, ...(fields ? (redact(fields) as LogFields) : {}) };
    logSink.write(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...base, ...(redact(fields) as LogFields) }),
  };
}
