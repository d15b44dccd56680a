/**
 * Students' saved cards. A student becomes a Stripe customer once (remembered on their profile);
 * a SetupIntent lets the web app collect a card with Stripe Elements for later, off-session use
 * (the booking's PaymentIntent charges it without the student present).
 */
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import type { Principal } from '../../domain/principal.js';
import type { StudentProfileRepository } from '../../db/repositories/student-profile-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import { AppError } from '../../domain/errors.js';
import type { StripeClient } from '../../integrations/stripe.js';
import { ensureStripeCustomer } from '../../platform/payments/stripe-customer.js';
import { callStripe } from './stripe-failure.js';

export interface SavedCard {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export class PaymentMethodsService {
  constructor(
    private readonly stripe: StripeClient,
    private readonly studentProfiles: StudentProfileRepository,
    private readonly users: UserRepository,
  ) {}

  async createSetupIntent(principal: Principal): Promise<{ setupIntentId: string; clientSecret: string; customerId: string }> {
    requireStudent(principal);
    const customerId = await this.ensureCustomer(principal.userId);
    const intent = await callStripe('card setup', () =>
      this.stripe.setupIntents.create(
        { customer: customerId, usage: 'off_session', allowed_payment_method_types: ['card'], metadata: { tutorflowUserId: principal.userId } },
        { idempotencyKey: `setup-intent:${principal.userId}:${randomUUID()}` },
      ),
    );
    if (!intent.client_secret) throw new AppError('unavailable', 'Stripe returned a SetupIntent without a client secret; try again');
    return { setupIntentId: intent.id, clientSecret: intent.client_secret, customerId };
  }

  async listCards(principal: Principal): Promise<SavedCard[]> {
    requireStudent(principal);
    const profile = await this.studentProfiles.findByUserId(principal.userId);
    if (!profile?.stripeCustomerId) return [];
    const customerId = profile.stripeCustomerId;
    const methods = await callStripe('saved cards', () => this.stripe.customers.listPaymentMethods(customerId, { type: 'card', limit: 100 }));
    return methods.data.flatMap((method) =>
      method.card ? [{ id: method.id, brand: method.card.brand, last4: method.card.last4, expMonth: method.card.exp_month, expYear: method.card.exp_year }] : [],
    );
  }

  /**
   * Refuses a card the student has not saved: it must be attached to the student's own Stripe
   * customer. Stripe alone would accept a test card or another customer's card id, so ownership is
   * checked here before any money moves. A student who never saved a card owns none (no Stripe call).
   */
  async assertOwnedBy(studentId: string, paymentMethodId: string): Promise<void> {
    const customerId = (await this.studentProfiles.findByUserId(studentId))?.stripeCustomerId;
    if (customerId && (await this.isAttached(customerId, paymentMethodId))) return;
    const message = 'is not one of your saved cards; save it first (POST /api/me/payment-methods/setup-intent)';
    throw new AppError('unprocessable', `The payment method ${message}`, { issues: [{ path: 'body.paymentMethodId', message }] });
  }

  /** Whether Stripe has the PaymentMethod attached to this customer (a 404 when not, or when there is no such card). */
  private async isAttached(customerId: string, paymentMethodId: string): Promise<boolean> {
    return callStripe('payment method', async () => {
      try {
        await this.stripe.customers.retrievePaymentMethod(customerId, paymentMethodId);
        return true;
      } catch (error) {
        if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) return false;
        throw error;
      }
    });
  }

  private async ensureCustomer(userId: string): Promise<string> {
    const customerId = await ensureStripeCustomer({ stripe: this.stripe, users: this.users, studentProfiles: this.studentProfiles }, userId, (create) => callStripe('customer', create));
    if (!customerId) throw AppError.notFound('Your account');
    return customerId;
  }
}

function requireStudent(principal: Principal): void {
  if (principal.role !== 'student') throw AppError.forbidden('Only students save payment methods');
}
