/**
 * Configuration lookup. On FunctionGraph, `context.getUserData(key)` backs up the process
 * environment; an empty value counts as unset everywhere.
 */
export type EnvLookup = (key: string) => string | undefined;

export function envLookup(fallback?: (key: string) => string | undefined): EnvLookup {
  return (key) => {
    const v = process.env[key];
    if (v !== undefined && v !== '') return v;
    if (!fallback) return undefined;
    const f = fallback(key);
    return f === undefined || f === null || f === '' ? undefined : String(f);
  };
}

export function splitList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
