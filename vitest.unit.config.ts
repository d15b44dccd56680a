import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * The unit tier alone (`npm run test:unit`): pure tests beside their code (`*.test.ts`) and the lint
 * fixtures (test/lint/). No global setup: nothing here starts or needs a service, so it runs in
 * seconds. vitest.config.ts runs the same project, beside the tiers that need the test stack.
 */
export const unitProject = {
  test: {
    name: 'unit',
    include: ['{api,services,platform,server,realtime,workflows,activities,workers,db,domain,integrations}/**/*.test.ts', 'test/lint/**/*.test.ts'],
    testTimeout: 30_000,
  },
} satisfies TestProjectInlineConfiguration;

export default defineConfig({
  test: {
    ...unitProject.test,
    reporters: ['default', './test/support/summary-reporter.ts'],
    maxWorkers: 2,
  },
});
