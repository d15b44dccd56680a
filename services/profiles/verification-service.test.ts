/**
 * The verification queue's admin methods check the caller's role on their first line: the route's
 * `access: 'admin'` is not the only guard. Every dependency is a tripwire, so a refusal proves the
 * check came before anything was read, and an admin gets past it (to the first tripwire).
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { VerificationService } from './verification-service.js';

const tripwire = new Proxy({}, { get: (_target, key) => { throw new Error(`touched ${String(key)} before the access check`); } });
const service = new VerificationService(tripwire as never, tripwire as never, tripwire as never, tripwire as never, tripwire as never);
const as = (role: Principal['role']): Principal => ({ userId: `${role}-1`, role, sessionId: 'session-1' });

const adminMethods = {
  listForReview: (principal: Principal) => service.listForReview(principal, 'pending', 20),
  approve: (principal: Principal) => service.decide(principal, 'document-1', { approve: true }),
  reject: (principal: Principal) => service.decide(principal, 'document-1', { approve: false, reason: 'blurred' }),
};

describe('VerificationService admin methods', () => {
  for (const [name, call] of Object.entries(adminMethods)) {
    it.each(['student', 'tutor'] as const)(`${name} refuses a %s with forbidden, touching nothing`, async (role) => {
      const refusal = await (async () => call(as(role)))().catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(AppError);
      expect(refusal).toMatchObject({ kind: 'forbidden' });
    });

    it(`${name} lets an admin through`, async () => {
      await expect((async () => call(as('admin')))()).rejects.toThrow(/before the access check/);
    });
  }
});
