/**
 * The body's media type (415): the route lists what it accepts. The type is compared without its
 * parameters and case-insensitively; a `charset` other than UTF-8 is refused, since the body is
 * read as UTF-8 and any other encoding would be stored mangled. The normalised type is what the
 * JSON body parser after this middleware sees.
 */
import { AppError } from '../../core/errors';
import { callOf, type ShellMiddleware } from './types';

/** `type/subtype` lower-cased, and the charset parameter if any. */
export function parseMediaType(header: string | undefined): { essence: string; charset?: string } {
  const [essence, ...params] = (header ?? '').split(';');
  const out: { essence: string; charset?: string } = { essence: essence!.trim().toLowerCase() };
  for (const p of params) {
    const m = /^\s*charset\s*=\s*"?([^"]*)"?\s*$/i.exec(p);
    if (m) out.charset = m[1]!;
  }
  return out;
}

const UTF8 = /^utf-?8$/i;

export function mediaTypes(accepted: readonly string[], hint: string): ShellMiddleware {
  const ok = new Set(accepted);
  return {
    before: (request) => {
      const call = callOf(request);
      const type = parseMediaType(call.headers['content-type']);
      if (!ok.has(type.essence)) {
        throw new AppError(415, 'unsupported-media-type', `Content-Type "${type.essence || '(none)'}" is not accepted; use ${hint}`, { retryable: false });
      }
      const charset = type.charset;
      if (charset !== undefined && !UTF8.test(charset)) {
        throw new AppError(415, 'unsupported-charset', `charset "${charset}" is not accepted; bodies are UTF-8 (send charset=utf-8 or none)`, { retryable: false });
      }
      call.headers['content-type'] = type.essence;
    },
  };
}
