import { defineConfig } from 'vitest/config';
import { unitProject } from './vitest.unit.config.js';

/**
 * Three tiers (see README): unit tests beside their code; integration tests against the real test
 * stack (Postgres, Redis, MinIO, stripe-mock, Temporal); workflow tests on real Temporal servers.
 * The global setup starts the test stack on its own ports and stops what it started; the unit
 * project does not extend this file, so it neither has nor needs it (vitest.unit.config.ts).
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
      unitProject,
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts', 'test/stack/**/*.test.ts'] } },
      { extends: true, test: { name: 'workflow', include: ['test/workflow/**/*.test.ts'], testTimeout: 120_000 } },
    ],
  },
});
