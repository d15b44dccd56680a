/**
 * People for tests: users written straight to the test database with an access token each, so a
 * test about bookings or messages does not have to go through registration first.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Role } from '../../db/models/user.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import type { Config } from '../../domain/config.js';
import { AccessTokens } from '../../services/auth/access-tokens.js';

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  displayName: string;
  token: string;
  sessionId: string;
  /** `{ Authorization: 'Bearer …' }` for fetch. */
  auth: Record<string, string>;
}

export async function createTestUser(db: Knex, config: Config, role: Role, overrides: { displayName?: string; email?: string; timeZone?: string } = {}): Promise<TestUser> {
  const suffix = randomUUID().slice(0, 8);
  const user = await new UserRepository(db).insert({
    email: overrides.email ?? `${role}-${suffix}@example.test`,
    role,
    displayName: overrides.displayName ?? `${role} ${suffix}`,
    timeZone: overrides.timeZone ?? 'UTC',
    emailVerifiedAt: new Date(),
  });
  const sessionId = randomUUID();
  const { token } = await new AccessTokens(config.secretKey, config.auth.accessTokenTtlMs).issue({ userId: user.id, role, sessionId });
  return { id: user.id, email: user.email, role, displayName: user.displayName, token, sessionId, auth: { Authorization: `Bearer ${token}` } };
}
