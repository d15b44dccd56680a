/**
 * A student's Stripe customer, created once and remembered on their student profile. The card setup
 * (services/payments) and the booking's authorization (activities/booking) both come here: one
 * idempotency key, `customer:<studentId>`, and the same parameters, so two first calls racing within
 * Stripe's key window make one customer; after the window, the stored id wins.
 */
import type { StudentProfileRepository } from '../../db/repositories/student-profile-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import type { StripeClient } from '../../integrations/stripe.js';

export interface StripeCustomerDependencies {
  stripe: StripeClient;
  users: Pick<UserRepository, 'findById'>;
  studentProfiles: Pick<StudentProfileRepository, 'findByUserId' | 'ensure' | 'setStripeCustomerIfAbsent'>;
}

/**
 * The student's customer id, creating the customer (and the student profile) when there is none;
 * undefined when the student has no account. `callStripe` wraps the one Stripe call, so each caller
 * maps Stripe's refusals its own way (a problem answer, an activity failure).
 */
export async function ensureStripeCustomer(
  deps: StripeCustomerDependencies,
  studentId: string,
  callStripe: <T>(call: () => Promise<T>) => Promise<T>,
): Promise<string | undefined> {
  const stored = (await deps.studentProfiles.findByUserId(studentId))?.stripeCustomerId;
  if (stored) return stored;
  const user = await deps.users.findById(studentId);
  if (!user) return undefined;
  await deps.studentProfiles.ensure(studentId, user.timeZone);
  const customer = await callStripe(() =>
    deps.stripe.customers.create(
      { email: user.email, name: user.displayName, metadata: { tutorflowUserId: studentId } },
      { idempotencyKey: `customer:${studentId}` },
    ),
  );
  return (await deps.studentProfiles.setStripeCustomerIfAbsent(studentId, customer.id)) ?? customer.id;
}
