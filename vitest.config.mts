import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // Each file runs in its own child process so module patching in one file cannot leak into another.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
