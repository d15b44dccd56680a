/**
 * Fault scenario 8: Stripe delivers webhooks at least once and in any order. Three 3-D Secure
 * bookings get their events early (charge.refunded and payment_intent.succeeded before the student
 * authenticated), duplicated (the same event at once and again later), interleaved across bookings,
 * and late (a payment failure after the capture; a dispute three times). Each booking is authorized
 * once, moves where it should, and the money agrees everywhere.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bookingWorkflowId, type BookingSnapshot } from '../../workflows/booking/definitions.js';
import type { TestUser } from '../support/fixtures.js';
import { bookableTutor, type BookingStack, call, eventually, requestBooking, slotInDays, startBookingStack, student, TEST_CARD } from '../support/booking-stack.js';
import { deliverStripeEvent, stripeEvent, type StripeTestEvent } from '../support/stripe-events.js';
import { expectInvariants, report } from './support/invariants.js';

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
}, 180_000);
afterAll(() => stack?.close());

/** A fixed shuffle (no randomness in a test): reverses, then interleaves halves. */
function shuffled<T>(items: T[]): T[] {
  const reversed = [...items].reverse();
  const half = Math.ceil(reversed.length / 2);
  return reversed.slice(0, half).flatMap((item, index) => (reversed[half + index] === undefined ? [item] : [item, reversed[half + index]!]));
}

it('8: webhooks duplicated, early, late and interleaved move each booking once and its money once', async () => {
  const deliveries: { status: number; duplicate: boolean }[] = [];
  const deliver = async (events: StripeTestEvent[]) => {
    const answers = await Promise.all(events.map((event) => deliverStripeEvent(stack.api, event)));
    for (const answer of answers) {
      expect([200], JSON.stringify(answer.body)).toContain(answer.status);
      deliveries.push({ status: answer.status, duplicate: answer.body.duplicate === true });
    }
  };
  const booking = (id: string) => call(stack.api, 'GET', `/api/bookings/${id}`, payer);

  const bookings: { id: string; intent: { id: string; amount: number } }[] = [];
  for (const days of [5, 6, 7]) {
    const requested = await requestBooking(stack.api, payer, { tutorId: tutor.id, start: slotInDays(days), lengthMinutes: 60, paymentMethodId: THREE_D_SECURE_CARD });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    expect(requested.body).toMatchObject({ status: 'PENDING_PAYMENT', paymentStatus: 'requires_action' });
    const id = requested.body.bookingId as string;
    const intent = stack.stripe.state().paymentIntents.find((entry) => entry.metadata.bookingId === id)!;
    bookings.push({ id, intent });
  }
  const intentObject = (entry: (typeof bookings)[number], status: string, extra: Record<string, unknown> = {}) => ({
    id: entry.intent.id,
    object: 'payment_intent',
    status,
    amount: entry.intent.amount,
    metadata: { bookingId: entry.id },
    ...extra,
  });

  // Early: events about a charge that has not happened yet, before the student authenticated.
  await deliver(
    bookings.flatMap((entry) => [
      stripeEvent('charge.refunded', { id: `ch_early_${entry.intent.id}`, object: 'charge', payment_intent: entry.intent.id, amount_refunded: entry.intent.amount }),
      stripeEvent('payment_intent.succeeded', intentObject(entry, 'succeeded')),
    ]),
  );
  for (const entry of bookings) expect((await booking(entry.id)).body).toMatchObject({ status: 'PENDING_PAYMENT' });

  // Every student authenticates; each booking's capturable event comes three times (two at once),
  // plus a second capturable event, interleaved with the other bookings' events.
  for (const entry of bookings) stack.stripe.authenticate(entry.intent.id);
  const capturable = bookings.map((entry) => stripeEvent('payment_intent.amount_capturable_updated', intentObject(entry, 'requires_capture')));
  await deliver(shuffled([...capturable, ...capturable, ...bookings.map((entry) => stripeEvent('payment_intent.amount_capturable_updated', intentObject(entry, 'requires_capture')))]));
  await deliver(capturable);
  for (const entry of bookings) await eventually(() => booking(entry.id), (answer) => answer.body.status === 'REQUESTED', 30_000);

  const [accepted, disputed, declined] = bookings as [(typeof bookings)[number], (typeof bookings)[number], (typeof bookings)[number]];
  for (const entry of [accepted, disputed]) {
    const answer = await call(stack.api, 'POST', `/api/bookings/${entry.id}/accept`, tutor, {});
    expect(answer.body).toMatchObject({ status: 'SCHEDULED', paymentStatus: 'captured' });
  }
  expect((await call(stack.api, 'POST', `/api/bookings/${declined.id}/decline`, tutor, { reason: 'Away' })).body).toMatchObject({ status: 'DECLINED' });

  // Late: a payment failure after the capture (twice at once), a capturable event after the
  // release, and one dispute delivered three times.
  const failure = stripeEvent('payment_intent.payment_failed', intentObject(accepted, 'requires_payment_method', { last_payment_error: { message: 'late' } }));
  const dispute = stripeEvent('charge.dispute.created', stack.stripe.dispute(disputed.intent.id));
  await deliver([failure, failure, dispute, dispute, stripeEvent('payment_intent.amount_capturable_updated', intentObject(declined, 'requires_capture'))]);
  await deliver([dispute]);
  const live = (id: string) => stack.api.container.resources.temporal.client.workflow.getHandle(bookingWorkflowId(id)).query<BookingSnapshot>('getBooking');
  // The tutor then cancels the disputed lesson: Stripe refuses the refund of a disputed charge, so
  // the booking waits for an admin with its payout frozen by the (one) dispute.
  expect(deliveries.filter((entry) => entry.duplicate).length).toBeGreaterThanOrEqual(2);
  expect((await call(stack.api, 'POST', `/api/bookings/${disputed.id}/cancel`, tutor, { reason: 'Ill' })).body).toMatchObject({ status: 'CANCELLED' });
  const frozen = await eventually(() => live(disputed.id), (snapshot) => snapshot.payoutFrozen, 30_000);
  expect(frozen).toMatchObject({ status: 'CANCELLED', refundedMinor: 0 });
  expect((await live(accepted.id)).payoutFrozen).toBe(false);

  expect((await booking(accepted.id)).body).toMatchObject({ status: 'SCHEDULED', paymentStatus: 'captured', capturedMinor: accepted.intent.amount, refundedMinor: 0 });
  expect((await booking(declined.id)).body).toMatchObject({ status: 'DECLINED', capturedMinor: 0 });
  for (const entry of bookings) {
    const timeline = await call(stack.api, 'GET', `/api/bookings/${entry.id}/timeline`, payer);
    expect(timeline.body.events.filter((event: { type: string }) => event.type === 'payment.authorized'), entry.id).toHaveLength(1);
  }
  expect(stack.stripe.money(declined.id)).toMatchObject({ held: 0, captured: 0 });

  const figures = await expectInvariants(stack, bookings.map((entry) => entry.id));
  expect(figures).toMatchObject({ bookings: 3, authorizations: 3, charges: 2, refunds: 0, attention: 1 });
  report('8 webhooks duplicated and out of order', { ...figures, webhooks: deliveries.length, duplicatesRecognised: deliveries.filter((entry) => entry.duplicate).length });
});
