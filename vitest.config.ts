import { defineConfig } from 'vitest/config';

// chDB runs one ClickHouse engine per process, so test files run in forked processes, never threads.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**', 'wall/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
