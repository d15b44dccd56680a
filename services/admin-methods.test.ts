/**
 * Every admin method of a service checks the caller's role on its first line: the route's
 * `access: 'admin'` is not the only guard. The dependencies are a tripwire, so a refusal proves the
 * check came before anything was read, written or signalled, and an admin gets past it (to the
 * first tripwire).
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../domain/errors.js';
import { AdminUserService } from './admin/admin-user-service.js';
import type { Principal } from '../domain/principal.js';
import { BookingService } from './bookings/booking-service.js';
import { VerificationService } from './profiles/verification-service.js';
import { ReviewService } from './reviews/review-service.js';
import { PackageService } from './packages/package-service.js';

const tripwire = new Proxy({}, { get: (_target, key) => { throw new Error(`touched ${String(key)} before the access check`); } }) as never;
const bookings = new BookingService(tripwire);
const verification = new VerificationService(tripwire, tripwire, tripwire, tripwire, tripwire);
const reviews = new ReviewService(tripwire);
const packages = new PackageService(tripwire);
const adminUsers = new AdminUserService(tripwire);
const as = (role: Principal['role']): Principal => ({ userId: `${role}-1`, role, sessionId: 'session-1' });

const adminMethods: Record<string, (principal: Principal) => unknown> = {
  'BookingService.adminCancel': (principal) => bookings.adminCancel(principal, 'booking-1', 'duplicate', 'key-1'),
  'BookingService.adminRefund': (principal) => bookings.adminRefund(principal, 'booking-1', 1_000, 'goodwill', 'key-1'),
  'BookingService.adminResolvePayout': (principal) => bookings.adminResolvePayout(principal, 'booking-1', 'pay_tutor', 'checked the recording'),
  'BookingService.adminResolveAttention': (principal) => bookings.adminResolveAttention(principal, 'booking-1', 'retry', 'Stripe is back'),
  'VerificationService.listForReview': (principal) => verification.listForReview(principal, 'pending', 20),
  'VerificationService.decide (approve)': (principal) => verification.decide(principal, 'document-1', { approve: true }),
  'VerificationService.decide (reject)': (principal) => verification.decide(principal, 'document-1', { approve: false, reason: 'blurred' }),
  'ReviewService.hide': (principal) => reviews.hide(principal, 'review-1', 'personal details'),
  'PackageService.adminRefund': (principal) => packages.adminRefund(principal, 'package-1', 'moved abroad', 'key-1'),
  'PackageService.adminResolveAttention': (principal) => packages.adminResolveAttention(principal, 'package-1', 'retry', 'Stripe is back'),
  'ReviewService.listForModeration': (principal) => reviews.listForModeration(principal, { view: 'reported', limit: 20 }),
  'AdminUserService.list': (principal) => adminUsers.list(principal, { limit: 20 }),
  'AdminUserService.get': (principal) => adminUsers.get(principal, 'user-1'),
  'AdminUserService.changeStatus': (principal) => adminUsers.changeStatus(principal, 'user-1', 'suspend', 'spam', 'key-1'),
  'AdminUserService.auditLog': (principal) => adminUsers.auditLog(principal, 20, {}),
};

/** The method's outcome as a promise, whether it throws at once or rejects. */
const outcome = (call: () => unknown) => (async () => call())();

describe('admin service methods', () => {
  for (const [name, call] of Object.entries(adminMethods)) {
    it.each(['student', 'tutor'] as const)(`${name} refuses a %s with forbidden, touching nothing`, async (role) => {
      const refusal = await outcome(() => call(as(role))).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(AppError);
      expect(refusal).toMatchObject({ kind: 'forbidden' });
    });

    it(`${name} lets an admin through`, async () => {
      await expect(outcome(() => call(as('admin')))).rejects.toThrow(/before the access check/);
    });
  }
});
