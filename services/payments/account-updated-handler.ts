/**
 * account.updated: a tutor's connected account changed; mirror whether it can receive payouts. An
 * older event delivered late does not undo a newer one.
 */
import type Stripe from 'stripe';
import type { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import type { StripeEventHandler } from './stripe-webhooks.js';

export function accountUpdatedHandler(tutorProfiles: TutorProfileRepository): StripeEventHandler {
  return async (event, { trx }) => {
    const account = event.data.object as Stripe.Account;
    await tutorProfiles.setPayoutsEnabledByAccount(account.id, account.payouts_enabled === true, new Date(event.created * 1000), trx);
  };
}
