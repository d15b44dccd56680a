/**
 * What a failed Stripe call becomes for our callers. Stripe's own words are not passed on: they
 * may name our account's settings. The cause is kept for the log.
 */
import Stripe from 'stripe';
import { AppError } from '../../domain/errors.js';

export async function callStripe<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) {
      throw new AppError('unavailable', `Payments are unavailable right now (${what}); try again shortly`, { cause: error, retryAfterSeconds: 5 });
    }
    throw error;
  }
}
