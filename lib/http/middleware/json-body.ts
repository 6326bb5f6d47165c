/**
 * JSON bodies, parsed by the design card's `@middy/http-json-body-parser` after the signature was
 * checked on the raw bytes. The bytes must be valid UTF-8 (400 otherwise: a replacement character
 * would otherwise be stored in the job); the parser's own errors are mapped here to the
 * contract's statuses: malformed JSON 400, a media type it does not take 415. A parsed body nested
 * deeper than `MAX_JSON_DEPTH` (100) or holding a lone surrogate (`"\ud800"`) is a 400 too.
 */
import jsonBodyParser from '@middy/http-json-body-parser';
import { AppError, badRequest } from '../../core/errors';
import { jsonProblem } from '../../core/json';
import { callOf, type ShellMiddleware, type ShellRequest } from './types';

const PACKAGE = '@middy/http-json-body-parser';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function jsonBody(): ShellMiddleware {
  const parse = jsonBodyParser().before!;
  return {
    before: async (request: ShellRequest) => {
      const call = callOf(request);
      const raw = call.http.body;
      try {
        call.body = utf8.decode(raw);
      } catch {
        throw badRequest('invalid-encoding', 'The body is not valid UTF-8');
      }
      try {
        // The parser reads and replaces `event.body` of the request it is given: here, the call.
        await parse({ ...request, event: call } as unknown as Parameters<typeof parse>[0]);
      } catch (err) {
        throw bodyParserError(err) ?? err;
      }
      // Bounded before anything walks it (validation, JSON.stringify recurse): a clear 400, not a RangeError.
      const problem = jsonProblem(call.body);
      if (problem) throw badRequest('invalid-json', `The body cannot be used: ${problem}`);
    },
  };
}

interface ParserCause {
  package?: unknown;
  data?: unknown;
  message?: unknown;
}

/** The contract's error for an error the body parser threw, or undefined for any other error. */
export function bodyParserError(err: unknown): AppError | undefined {
  const cause = (err as { cause?: ParserCause } | undefined)?.cause;
  if (!cause || cause.package !== PACKAGE) return undefined;
  // A JSON.parse failure carries its message; the parser's only other refusal is the media type.
  if (typeof cause.message === 'string') return badRequest('invalid-json', `The body is not valid JSON: ${cause.message}`);
  return new AppError(415, 'unsupported-media-type', 'The body is not JSON (application/json or application/*+json)', { retryable: false });
}
