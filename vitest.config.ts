import { defineConfig } from 'vitest/config';

/**
 * Three tiers (see README): unit tests beside their code; integration tests against the real test
 * stack (Postgres, Redis, MinIO, stripe-mock, Temporal); workflow tests on real Temporal servers.
 * The global setup starts the test stack on its own ports and stops what it started.
 */
export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Two cores: more workers only fight over them while the servers run beside the tests.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['{api,services,platform,realtime,workflows,activities,workers,db,domain,integrations}/**/*.test.ts'] },
      },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts', 'test/stack/**/*.test.ts'] } },
      { extends: true, test: { name: 'workflow', include: ['test/workflow/**/*.test.ts'], testTimeout: 120_000 } },
    ],
  },
});
