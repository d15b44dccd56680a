/**
 * Stripe delivers webhooks at least once and in any order. Through the real API, the real booking
 * workflow on the Temporal dev server and the strict Stripe fake: a 3-D Secure booking gets its
 * events duplicated (at the same time and later), reordered (charge.refunded before
 * payment_intent.succeeded, a payment_failed after the capture) and none of it moves money twice
 * or moves the booking where it should not go.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { bookableTutor, type BookingStack, call, eventually, requestBooking, slotInDays, startBookingStack, student, TEST_CARD } from '../../support/booking-stack.js';
import { deliverStripeEvent, stripeEvent, type StripeTestEvent } from '../../support/stripe-events.js';

const THREE_D_SECURE_CARD = 'pm_card_threeDSecure2Required';

let stack: BookingStack;
let tutor: TestUser;
let payer: TestUser;

beforeAll(async () => {
  stack = await startBookingStack();
  await stack.startWorker();
  const { db } = stack.api.container.resources;
  tutor = await bookableTutor(db, stack.api.config);
  // The student also saved a card whose bank asks for 3-D Secure.
  payer = await student(db, stack.api.config, [TEST_CARD, THREE_D_SECURE_CARD]);
}, 120_000);
afterAll(() => stack?.close());

const deliver = (event: StripeTestEvent) => deliverStripeEvent(stack.api, event);

describe('Stripe events for a booking, duplicated and out of order', () => {
  it('move the booking once and the money once', async () => {
    const requested = await requestBooking(stack.api, payer, { tutorId: tutor.id, start: slotInDays(9), lengthMinutes: 60, paymentMethodId: THREE_D_SECURE_CARD });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    expect(requested.body).toMatchObject({ status: 'PENDING_PAYMENT', paymentStatus: 'requires_action' });
    const id = requested.body.bookingId as string;
    const intent = stack.stripe.state().paymentIntents.find((entry) => entry.metadata.bookingId === id)!;
    expect(intent).toMatchObject({ status: 'requires_action', paymentMethod: THREE_D_SECURE_CARD });
    const intentObject = (status: string) => ({ id: intent.id, object: 'payment_intent', status, amount: intent.amount, metadata: { bookingId: id } });

    // Out of order, before the student authenticated: events about a charge that has not happened.
    const early = [
      stripeEvent('charge.refunded', { id: 'ch_not_yet', object: 'charge', payment_intent: intent.id, amount_refunded: intent.amount }),
      stripeEvent('payment_intent.succeeded', intentObject('succeeded')),
    ];
    for (const event of early) expect((await deliver(event)).status).toBe(200);
    expect((await call(stack.api, 'GET', `/api/bookings/${id}`, payer)).body).toMatchObject({ status: 'PENDING_PAYMENT', paymentStatus: 'requires_action' });

    // The student authenticates; Stripe's capturable event arrives three times, two at once.
    stack.stripe.authenticate(intent.id);
    const capturable = stripeEvent('payment_intent.amount_capturable_updated', intentObject('requires_capture'));
    const concurrent = await Promise.all([deliver(capturable), deliver(capturable)]);
    expect(concurrent.map((answer) => answer.status)).toEqual([200, 200]);
    expect(concurrent.map((answer) => answer.body.duplicate).sort()).toEqual([false, true]);
    expect((await deliver(capturable)).body).toEqual({ received: true, duplicate: true });
    await eventually(
      () => call(stack.api, 'GET', `/api/bookings/${id}`, payer),
      (answer) => answer.body.status === 'REQUESTED',
    );

    const accepted = await call(stack.api, 'POST', `/api/bookings/${id}/accept`, tutor, {});
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'SCHEDULED', paymentStatus: 'captured', capturedMinor: intent.amount });

    // Late and out of order: another capturable event (a new id) and a payment failure.
    expect((await deliver(stripeEvent('payment_intent.amount_capturable_updated', intentObject('requires_capture')))).status).toBe(200);
    expect((await deliver(stripeEvent('payment_intent.payment_failed', { ...intentObject('requires_payment_method'), last_payment_error: { message: 'late' } }))).status).toBe(200);
    const timeline = await call(stack.api, 'GET', `/api/bookings/${id}/timeline`, payer);
    expect(timeline.body.events.filter((event: { type: string }) => event.type === 'payment.authorized')).toHaveLength(1);
    expect((await call(stack.api, 'GET', `/api/bookings/${id}`, payer)).body).toMatchObject({ status: 'SCHEDULED', paymentStatus: 'captured', capturedMinor: intent.amount, refundedMinor: 0 });

    // Stripe's side: captured once, nothing refunded, one capture request that Stripe executed.
    const after = stack.stripe.state();
    expect(after.paymentIntents.find((entry) => entry.id === intent.id)).toMatchObject({ status: 'succeeded', amountReceived: intent.amount, amountRefunded: 0, refunds: [] });
    const captures = after.mutations.filter((mutation) => mutation.path === `/v1/payment_intents/${intent.id}/capture` && mutation.status === 200 && !mutation.replayed);
    expect(captures).toHaveLength(1);
    expect(stack.stripe.money(id)).toMatchObject({ held: 0, captured: intent.amount, refunded: 0, transferred: 0 });
  });
});
