import { defineConfig } from 'vitest/config';

/**
 * The browser tests (`npm run test:e2e`, README "Web app"): real chromium against the whole stack.
 * Their own run, after `npm test` in CI, rather than a project beside the integration tier: a
 * browser waiting on live WebSocket events is the one thing here that other test files loading the
 * two cores at the same moment can starve into a timeout.
 */
export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    include: ['test/e2e/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
