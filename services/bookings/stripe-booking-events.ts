/**
 * Stripe events that concern a booking become signals to its workflow: the workflow, not the
 * webhook, decides what they mean in the booking's current state (a late, repeated or reordered
 * event is ignored there). A booking whose workflow has already finished needs nothing more.
 *
 * A signal is not part of the webhook's transaction: when the event's record fails to commit after
 * the signal went out, Stripe's redelivery signals again, and the workflow's state ignores the
 * repeat (services/payments/stripe-webhooks.ts: at least once).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type Stripe from 'stripe';
import type { BookingRepository } from '../../db/repositories/booking-repository.js';
import {
  bookingWorkflowId,
  disputeOpenedSignal,
  paymentAuthorizedSignal,
  paymentFailedSignal,
} from '../../workflows/booking/definitions.js';
import type { StripeWebhookService } from '../payments/stripe-webhooks.js';

export function registerBookingStripeEvents(webhooks: StripeWebhookService, temporal: Client, bookings: BookingRepository): void {
  async function signal(bookingId: string | undefined, send: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<void>): Promise<void> {
    if (!bookingId) return; // not a booking's payment (e.g. a card setup)
    try {
      await send(temporal.workflow.getHandle(bookingWorkflowId(bookingId)));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return;
      throw error; // the webhook answers 500 and Stripe delivers it again
    }
  }

  const bookingOf = (intent: Stripe.PaymentIntent) => intent.metadata?.bookingId;

  // A manual-capture PaymentIntent that the student authorized (after 3-D Secure) is capturable.
  webhooks.registerStripeEventHandler('payment_intent.amount_capturable_updated', async (event) => {
    const intent = event.data.object as Stripe.PaymentIntent;
    await signal(bookingOf(intent), (handle) => handle.signal(paymentAuthorizedSignal, { paymentIntentId: intent.id }));
  });

  webhooks.registerStripeEventHandler('payment_intent.payment_failed', async (event) => {
    const intent = event.data.object as Stripe.PaymentIntent;
    const message = intent.last_payment_error?.message ?? 'The payment failed';
    await signal(bookingOf(intent), (handle) => handle.signal(paymentFailedSignal, { paymentIntentId: intent.id, message }));
  });

  webhooks.registerStripeEventHandler('charge.dispute.created', async (event) => {
    const dispute = event.data.object as Stripe.Dispute;
    const paymentIntentId = typeof dispute.payment_intent === 'string' ? dispute.payment_intent : dispute.payment_intent?.id;
    const booking = paymentIntentId ? await bookings.findByPaymentIntentId(paymentIntentId) : undefined;
    await signal(booking?.id, (handle) => handle.signal(disputeOpenedSignal, { disputeId: dispute.id, reason: dispute.reason }));
  });
}
