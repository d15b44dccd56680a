/**
 * Every admin method of the booking service checks the caller's role on its first line: the route's
 * `access: 'admin'` is not the only guard. The dependencies are a tripwire, so a refusal proves the
 * check came before anything was read or signalled, and an admin gets past it (to the tripwire).
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { BookingService } from './booking-service.js';

const tripwire = new Proxy({}, { get: (_target, key) => { throw new Error(`touched ${String(key)} before the access check`); } });
const service = new BookingService(tripwire as never);
const as = (role: Principal['role']): Principal => ({ userId: `${role}-1`, role, sessionId: 'session-1' });

const adminMethods = {
  adminCancel: (principal: Principal) => service.adminCancel(principal, 'booking-1', 'duplicate', 'key-1'),
  adminRefund: (principal: Principal) => service.adminRefund(principal, 'booking-1', 1_000, 'goodwill', 'key-1'),
  adminResolvePayout: (principal: Principal) => service.adminResolvePayout(principal, 'booking-1', 'pay_tutor', 'checked the recording'),
  adminResolveAttention: (principal: Principal) => service.adminResolveAttention(principal, 'booking-1', 'retry', 'Stripe is back'),
  auditLog: (principal: Principal) => service.auditLog(principal, 20),
};

describe('BookingService admin methods', () => {
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
