/**
 * Schemathesis against /openapi.json as a student, a tutor and an admin: no server error, and
 * every status, content type and body as the document declares. A bounded number of examples per
 * operation here (FUZZ_EXAMPLES, default 5); `npm run fuzz` runs the same with a larger budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSchemathesis, type FuzzRole } from '../../../scripts/fuzz/schemathesis.js';
import { createTestUser } from '../../support/fixtures.js';
import { fuzzRoles } from './fuzz-fixtures.js';
import { startTestFakes, type TestFakes } from '../../support/fakes.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';

const EXAMPLES = Number(process.env.FUZZ_EXAMPLES ?? 5);
const SEED = process.env.FUZZ_SEED === 'random' ? undefined : Number(process.env.FUZZ_SEED ?? 20261204);

let fakes: TestFakes;
let api: RunningApi;
let roles: FuzzRole[];

beforeAll(async () => {
  fakes = await startTestFakes();
  api = await startTestApi(fakes.overrides);
  const { db } = api.container.resources;
  const [student, tutor, admin] = await Promise.all([
    createTestUser(db, api.config, 'student'),
    createTestUser(db, api.config, 'tutor'),
    createTestUser(db, api.config, 'admin'),
  ]);
  roles = await fuzzRoles(api.baseUrl, db, { student, tutor, admin });
});
afterAll(async () => {
  await api?.close();
  await fakes?.close();
});

describe('fuzzing from the OpenAPI document', () => {
  it('finds no failure as a student, a tutor or an admin', { timeout: 30 * 60_000 }, async () => {
    const results = await runSchemathesis({
      baseUrl: api.baseUrl,
      roles,
      maxExamples: EXAMPLES,
      seed: SEED,
      ...(process.env.FUZZ_REPORT_DIR ? { reportDir: process.env.FUZZ_REPORT_DIR } : {}),
      log: (line) => process.env.FUZZ_VERBOSE && process.stdout.write(line),
    });
    for (const result of results) {
      console.log(`schemathesis as ${result.role}: ${result.operations} operations, ${result.cases} cases, ${result.failures.length} failures`);
      for (const failure of result.failures) console.log(`  ${failure.operation} [${failure.check}] ${failure.message}`);
    }
    expect(results.flatMap((result) => result.failures)).toEqual([]);
    for (const result of results) expect(result.exitCode, result.role).toBe(0);
  });
});
