/**
 * The dependency rule (README, "Layout") is enforced by eslint.config.js: each fixture below is a
 * file placed in a layer (it exists only in memory) importing another layer, linted with the
 * project's own configuration through ESLint's Node API. An upward import must fail lint.
 */
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.js';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: REPO_ROOT });
});

/** The messages of the layer rule for `code` as if it were the file at `filePath`. */
async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: `${REPO_ROOT}/${filePath}` });
  return result!.messages.filter((message) => message.ruleId === '@typescript-eslint/no-restricted-imports').map((message) => message.message);
}

describe('lint: imports point one way', () => {
  it.each([
    ['domain/fixture.ts', "import { createKnex } from '../db/knex.js';"],
    ['domain/fixture.ts', "import type { Principal } from '../api/context.js';"],
    ['db/repositories/fixture.ts', "import { PasswordHasher } from '../../services/auth/password-hasher.js';"],
    ['integrations/fixture.ts', "import { UserRepository } from '../db/repositories/user-repository.js';"],
    ['platform/email/fixture.ts', "import { AccountService } from '../../services/auth/account-service.js';"],
    ['services/auth/fixture.ts', "import type { AppState } from '../../api/context.js';"],
    ['services/bookings/fixture.ts', "import { bookingWorkflow } from '../../workflows/booking/workflow.js';"],
    ['activities/booking/fixture.ts', "import { EmailVerification } from '../../services/auth/email-verification.js';"],
    ['workflows/booking/fixture.ts', "import { UserRepository } from '../../db/repositories/user-repository.js';"],
    ['api/routes/fixture/routes.ts', "import { createRealtimeServer } from '../../../realtime/realtime-server.js';"],
    ['api/routes/fixture/routes.ts', "import { UserRepository } from '../../../db/repositories/user-repository.js';"],
    ['api/routes/fixture/routes.ts', "import { Booking } from '../../../db/models/booking.js';"],
    ['realtime/fixture.ts', "import { buildApp } from '../api/app.js';"],
    ['realtime/fixture.ts', "import { createApiContainer } from '../server/dependencies.js';"],
  ])('%s may not: %s', async (filePath, code) => {
    const errors = await layerErrors(filePath, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('(README: Layout)');
  });

  it.each([
    ['domain/fixture.ts', "import { AppError } from './errors.js';"],
    ['db/repositories/fixture.ts', "import type { Principal } from '../../domain/principal.js';"],
    ['platform/email/fixture.ts', "import { OutboxEmailRepository } from '../../db/repositories/outbox-email-repository.js';"],
    ['services/bookings/fixture.ts', "import { UPDATES } from '../../workflows/booking/definitions.js';"],
    ['services/auth/fixture.ts', "import { EmailSender } from '../../platform/email/email-sender.js';"],
    ['activities/booking/fixture.ts', "import { SecretBox } from '../../platform/crypto/secret-box.js';"],
    ['api/routes/fixture/routes.ts', "import type { Booking } from '../../../db/models/booking.js';"],
    ['api/routes/fixture/routes.ts', "import { AccountService } from '../../../services/auth/account-service.js';"],
    ['server/fixture.ts', "import { buildApp } from '../api/app.js';\nimport { createRealtimeServer } from '../realtime/realtime-server.js';"],
    ['scripts/fixture.ts', "import { createApiContainer } from '../server/dependencies.js';"],
  ])('%s may: %s', async (filePath, code) => {
    expect(await layerErrors(filePath, code)).toEqual([]);
  });
});
