/**
 * Where configuration comes from: the process environment, backed on FunctionGraph by
 * `context.getUserData(key)`. An empty value counts as unset in both.
 */
import type { EnvLookup } from '../core/config';

export function envLookup(fallback?: (key: string) => string | undefined): EnvLookup {
  return (key) => {
    const v = process.env[key];
    if (v !== undefined && v !== '') return v;
    if (!fallback) return undefined;
    const f = fallback(key);
    return f === undefined || f === null || f === '' ? undefined : String(f);
  };
}
