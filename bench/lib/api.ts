/** The real API (server/api.ts) as a child on a free port, and signed-in users to call it as. */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { StudentProfileRepository } from '../../db/repositories/student-profile-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import { createStripeClient } from '../../integrations/stripe.js';
import { PaymentMethodsService } from '../../services/payments/payment-methods-service.js';
import { AccessTokens } from '../../services/auth/access-tokens.js';
import type { Config } from '../../domain/config.js';
import { freePort } from '../../scripts/stack/util/free-port.js';
import { apiEntry } from './entries.js';
import { spawnEntry, type Child } from './processes.js';

export const TEST_CARD = 'pm_card_visa';

export async function startApi(root: string, logDir: string, env: Record<string, string>, name = 'api'): Promise<{ child: Child; baseUrl: string }> {
  const port = await freePort();
  const child = await spawnEntry(name, apiEntry(root), { root, logDir, env: { ...env, PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` } });
  await child.waitForLine('"API listening"', 120_000);
  return { child, baseUrl: `http://127.0.0.1:${port}` };
}

/** A bearer token for a user that exists in the database (as the tests' fixtures issue them). */
export async function bearer(config: Config, userId: string, role: 'student' | 'tutor' | 'admin'): Promise<string> {
  const { token } = await new AccessTokens(config.secretKey, 3_600_000).issue({ userId, role, sessionId: randomUUID() });
  return `Bearer ${token}`;
}

/** Each student saves the test card, as the web app would (a Stripe customer, the card attached to it): bookings pay only with saved cards. */
export async function saveTestCards(config: Config, db: Knex, studentIds: readonly string[]): Promise<string> {
  const stripe = createStripeClient(config.stripe);
  const cards = new PaymentMethodsService(stripe, new StudentProfileRepository(db), new UserRepository(db));
  for (const userId of studentIds) {
    const { customerId } = await cards.createSetupIntent({ userId, role: 'student', sessionId: randomUUID() });
    await stripe.paymentMethods.attach(TEST_CARD, { customer: customerId });
  }
  return TEST_CARD;
}
