/**
 * A value built on first use. Schemas are built this way: building a schema is part of a cold
 * start that a function path may never need (e.g. the queue schema in patchJob).
 */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}
