import { defineConfig } from 'vitest/config';

// Two tiers: unit tests are pure and fast; integration tests use real Redis, PostgreSQL, SQLite,
// child processes and the filesystem.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.unit.test.ts'],
          environment: 'node',
          setupFiles: ['test/helpers/engine-setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.integration.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          globalSetup: ['test/helpers/global-setup.ts'],
          setupFiles: ['test/helpers/engine-setup.ts'],
        },
      },
    ],
    maxWorkers: 2,
  },
});
