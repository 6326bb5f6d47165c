/**
 * Values built on first use. Schemas are built this way: building a schema is part of a cold
 * start that a function path may never need (e.g. the queue schema in patchJob). What a warm
 * instance keeps per configuration (agents, clients, shared texts) is built the same way, per key,
 * and bounded whatever the inputs.
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

/** The value for `key`, built by `make` on first use and kept; at most `max` kept, the oldest dropped first. */
export function keptPerKey<K, V>(max: number): (key: K, make: () => V) => V {
  const kept = new Map<K, V>();
  return (key, make) => {
    let value = kept.get(key);
    if (value === undefined) {
      value = make();
      if (kept.size >= max) kept.delete(kept.keys().next().value as K);
      kept.set(key, value);
    }
    return value;
  };
}
