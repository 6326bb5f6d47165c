/** One function, one method: anything else is a 405 (after authentication, so it reveals nothing). */
import { AppError } from '../../core/errors';
import { callOf, type ShellMiddleware } from './types';

export function allowMethod(method: string): ShellMiddleware {
  return {
    before: (request) => {
      if (callOf(request).http.method !== method) throw new AppError(405, 'method-not-allowed', `This function answers ${method} only`);
    },
  };
}
