/**
 * A student removes a saved card: Stripe detaches the PaymentMethod from their customer. Refused
 * (409, saying why) while the card still has work to do: a booking's hold on it not captured yet,
 * or a live weekly series that will authorize its coming weeks on it.
 */
import type { EarningsRepository } from '../../db/repositories/earnings-repository.js';
import type { SeriesRepository } from '../../db/repositories/series-repository.js';
import { AppError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import type { StripeClient } from '../../integrations/stripe.js';
import { callStripe } from '../payments/stripe-failure.js';

export interface SavedCardRemovalDependencies {
  stripe: StripeClient;
  earnings: EarningsRepository;
  series: SeriesRepository;
  paymentMethods: { assertOwnedBy(studentId: string, paymentMethodId: string): Promise<void> };
}

export class SavedCardRemoval {
  constructor(private readonly deps: SavedCardRemovalDependencies) {}

  async remove(principal: Principal, paymentMethodId: string): Promise<void> {
    if (principal.role !== 'student') throw AppError.forbidden('Only students save payment methods');
    try {
      await this.deps.paymentMethods.assertOwnedBy(principal.userId, paymentMethodId);
    } catch (error) {
      // Someone else's card, or none: nothing of ours to remove.
      if (error instanceof AppError && error.kind === 'unprocessable') throw AppError.notFound('Saved card');
      throw error;
    }
    if (await this.deps.series.cardPaysLiveSeries(principal.userId, paymentMethodId)) {
      throw new AppError('conflict', 'This card pays a weekly series that is still running: cancel the series, or let it finish, first', { extensions: { conflict: 'live_series' } });
    }
    const holding = await this.bookingHeldOn(principal.userId, paymentMethodId);
    if (holding) {
      throw new AppError('conflict', 'This card holds the payment of a lesson not yet accepted: wait for the tutor’s answer, or cancel the request, first', {
        extensions: { conflict: 'open_hold', bookingId: holding },
      });
    }
    await callStripe('card removal', () => this.deps.stripe.paymentMethods.detach(paymentMethodId));
  }

  /** A booking of the student's whose uncaptured hold is on this card (or one still being made: it may be). */
  private async bookingHeldOn(studentId: string, paymentMethodId: string): Promise<string | undefined> {
    for (const hold of await this.deps.earnings.openHolds(studentId)) {
      if (!hold.paymentIntentId) return hold.bookingId;
      const intentId = hold.paymentIntentId;
      const intent = await callStripe('payment', () => this.deps.stripe.paymentIntents.retrieve(intentId));
      const method = typeof intent.payment_method === 'string' ? intent.payment_method : intent.payment_method?.id;
      if (method === paymentMethodId) return hold.bookingId;
    }
    return undefined;
  }
}
