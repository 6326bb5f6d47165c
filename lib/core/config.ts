/**
 * Configuration as the features see it: a lookup by variable name. Where the values come from
 * (process environment, FunctionGraph user data) is the platform's business (lib/platform/env.ts);
 * an empty value counts as unset everywhere.
 */
export type EnvLookup = (key: string) => string | undefined;

/** A comma-separated variable as a list, blanks dropped. */
export function splitList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
