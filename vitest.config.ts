import { defineConfig } from 'vitest/config';
import { sourceAliases } from './scripts/source-aliases.js';

export default defineConfig({
  resolve: { alias: sourceAliases() },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // GPU tests share one software adapter: run files in separate forks, a few at a time.
    pool: 'forks',
    maxWorkers: 2,
    teardownTimeout: 10_000,
  },
});
