/**
 * A minimal typed schema for the hot input paths (the PATCH body, the queue message): fields are
 * predicates with their own messages, an object is strict (unknown keys are issues), and the
 * parsed type is inferred from the shape, so types still come from the schema. It replaces
 * zod/mini on these paths because there zod had become a shell around custom predicates that cost
 * ~14 KB of every patch bundle and ~1.7 ms of module load (measured); the sweep's trigger override,
 * zod's last use, is a hand-written guard with the same wording (lib/sweep/config.ts).
 *
 * Issues are the contract's `{path, message}` with JSON-pointer paths. Objects are read with
 * Object.entries / Object.hasOwn only, so keys such as `__proto__` are data like any other, and the
 * value returned is the object JSON.parse made (no copy rebuilt on `{}`).
 */
import type { FieldIssue } from './errors';
import { isJsonObject, type JsonObject } from './json';
import { escapePointerToken } from './pointer';

export interface Field<T, Optional extends boolean = false> {
  readonly optional: Optional;
  /** Adds an issue (at `path`) for each way `value` fails; `undefined` reaches only optional fields when absent. */
  check(value: unknown, path: string, issues: FieldIssue[]): void;
  /** Type carrier only. */
  readonly __type?: T;
}

type Shape = Record<string, Field<unknown, boolean>>;
type TypeOf<F> = F extends Field<infer T, boolean> ? T : never;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends Field<unknown, true> ? K : never }[keyof S];
type Flatten<T> = { [K in keyof T]: T[K] };

/** The parsed type of an object schema. */
export type Infer<S extends Shape> = Flatten<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: TypeOf<S[K]> } & { [K in OptionalKeys<S>]?: TypeOf<S[K]> }
>;

/** A value `valid` accepts, typed `T`; `message` otherwise. */
export function value<T>(valid: (v: unknown) => boolean, message: string): Field<T> {
  return {
    optional: false,
    check: (v, path, issues) => {
      if (!valid(v)) issues.push({ path, message });
    },
  };
}

/** A JSON object whose values each pass `valid`, with one issue per bad entry. */
export function entries<V>(valid: (v: unknown) => boolean, message: string): Field<Record<string, V>> {
  return {
    optional: false,
    check: (v, path, issues) => {
      if (!isJsonObject(v)) {
        issues.push({ path, message: 'must be an object' });
        return;
      }
      for (const [key, x] of Object.entries(v)) if (!valid(x)) issues.push({ path: `${path}/${escapePointerToken(key)}`, message });
    },
  };
}

export function optional<T>(field: Field<T>): Field<T, true> {
  return { optional: true, check: field.check };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

/** A strict object: every field checked, unknown keys refused ("is not a known field"). */
export function strictObject<S extends Shape>(shape: S): { parse(value: unknown): Parsed<Infer<S>> } {
  const known = Object.keys(shape);
  return {
    parse(input) {
      if (!isJsonObject(input)) return { ok: false, issues: [{ path: '', message: 'must be an object' }] };
      const obj: JsonObject = input;
      const issues: FieldIssue[] = [];
      for (const key of known) {
        const field = shape[key]!;
        const present = Object.hasOwn(obj, key) && obj[key] !== undefined;
        if (!present && field.optional) continue;
        field.check(present ? obj[key] : undefined, `/${escapePointerToken(key)}`, issues);
      }
      for (const key of Object.keys(obj)) {
        if (!Object.hasOwn(shape, key)) issues.push({ path: `/${escapePointerToken(key)}`, message: 'is not a known field' });
      }
      return issues.length > 0 ? { ok: false, issues } : { ok: true, value: obj as Infer<S> };
    },
  };
}
