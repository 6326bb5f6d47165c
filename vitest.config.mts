import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Module-scope caches (tokens, clients) are part of what we test: isolate files.
    isolate: true,
    pool: 'forks',
  },
});
