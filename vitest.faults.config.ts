import { defineConfig } from 'vitest/config';

/**
 * The fault-injection suite (`npm run test:faults`, README "Fault scenarios"): real processes killed,
 * stopped and restarted, Stripe slowed and failed, webhooks and requests duplicated and raced, each
 * scenario ending with the money invariants. On the test stack like the integration tier (same
 * global setup), one file at a time: the scenarios load the two cores and time their faults.
 * Servers a scenario kills or stops (Temporal, Postgres, Redis) are its own, never the shared stack's.
 */
export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    include: ['test/faults/**/*.test.ts'],
    fileParallelism: false,
    // Scenario 2 (500 bookings on timers) takes several minutes on two cores.
    testTimeout: 900_000,
    hookTimeout: 180_000,
  },
});
