/**
 * The booking's money, with Stripe's separate charges and transfers (ARCHITECTURE.md "Money"):
 * authorize at request (manual capture, transfer_group = the booking), capture on accept, release
 * the hold on decline/expiry, refund by policy, transfer the tutor's share after the payout hold,
 * reverse a transfer when an admin refunds after the payout.
 *
 * Safe to run twice: every mutating call carries the idempotency key `<bookingId>:<step>`, so a
 * retry within Stripe's ~24 hours gets the first answer back. A retry that may come later (refunds,
 * payouts, reversals: admins act days after) first looks for the object the step made, by its
 * metadata.step; capture and release, refused later because the intent already moved on, read the
 * intent and accept the state the step wanted.
 *
 * Failures: a card decline is a result (status failed), not an error: the workflow records it.
 * A request Stripe refuses as invalid is a non-retryable ApplicationFailure (FAILURE_TYPES.invalidRequest);
 * outages, rate limits and Stripe's 5xx are thrown as they are, so Temporal retries with backoff.
 */
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import Stripe from 'stripe';
import type { BookingPaymentRepository } from '../../db/repositories/booking-payment-repository.js';
import type { StudentProfileRepository } from '../../db/repositories/student-profile-repository.js';
import type { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import type { StripeClient } from '../../integrations/stripe.js';
import { ensureStripeCustomer } from '../../platform/payments/stripe-customer.js';
import {
  FAILURE_TYPES,
  type AuthorizeInput,
  type AuthorizeResult,
  type BookingActivities,
  type CaptureResult,
  type PayoutAccount,
  type PayoutInput,
  type PaymentIntentStep,
  type PayoutResult,
  type RefundInput,
  type RefundResult,
  type ReverseTransferInput,
} from './types.js';

export interface PaymentActivityDependencies {
  stripe: StripeClient;
  users: UserRepository;
  studentProfiles: StudentProfileRepository;
  tutorProfiles: TutorProfileRepository;
  /** Where every payment of a booking is recorded as Stripe answered (the bookings row names only the first). */
  bookingPayments: BookingPaymentRepository;
}

export type PaymentActivities = Pick<
  BookingActivities,
  'authorizePayment' | 'capturePayment' | 'releasePayment' | 'refundPayment' | 'getPayoutAccount' | 'payoutTutor' | 'reverseTransfer'
>;

/** The step names in idempotency keys and metadata; changing one would let a retry act twice. */
export const PAYMENT_STEPS = { authorize: 'authorize', capture: 'capture', release: 'release', payout: 'payout' } as const;

/** Stripe keeps a metadata value to 500 characters. */
const METADATA_VALUE_MAX = 500;

export function createPaymentActivities(deps: PaymentActivityDependencies): PaymentActivities {
  const { stripe, tutorProfiles, bookingPayments } = deps;
  const heartbeat = () => Context.current().heartbeat();

  /** The student's Stripe customer, created once (the same helper as the card setup's). */
  async function customerOf(studentId: string): Promise<string> {
    const customerId = await ensureStripeCustomer(deps, studentId, stripeCall);
    if (!customerId) throw ApplicationFailure.nonRetryable(`Student ${studentId} does not exist`, FAILURE_TYPES.invalidRequest);
    heartbeat();
    return customerId;
  }

  return {
    async authorizePayment(input: AuthorizeInput): Promise<AuthorizeResult> {
      requirePositiveAmount(input.amountMinor);
      const step = input.step ?? PAYMENT_STEPS.authorize;
      const customer = await customerOf(input.studentId);
      let intent: Stripe.PaymentIntent;
      try {
        intent = await stripeCall(() =>
          stripe.paymentIntents.create(
            {
              amount: input.amountMinor,
              currency: input.currency.toLowerCase(),
              customer,
              payment_method: input.paymentMethodId,
              allowed_payment_method_types: ['card'],
              capture_method: 'manual',
              confirm: true,
              // The student is booking right now: their bank may ask them to confirm (3-D Secure).
              // A series week is booked days ahead without them: Stripe then declines what needs them.
              off_session: input.offSession === true,
              transfer_group: input.bookingId,
              metadata: { bookingId: input.bookingId, ...(input.step ? { step } : {}) },
            },
            { idempotencyKey: key(input.bookingId, step) },
          ),
        );
      } catch (error) {
        const decline = declineOf(error);
        if (!decline) throw error;
        log.info('card declined', { bookingId: input.bookingId, code: decline.code, declineCode: decline.decline_code });
        return { paymentIntentId: decline.payment_intent?.id ?? '', status: 'failed', failureMessage: decline.message };
      }
      const result = authorizationOf(intent);
      await bookingPayments.authorized({ paymentIntentId: intent.id, bookingId: input.bookingId, stepPrefix: prefixOf(step, PAYMENT_STEPS.authorize), amountMinor: input.amountMinor, status: result.status });
      log.info('payment authorization', { bookingId: input.bookingId, paymentIntentId: intent.id, stripeStatus: intent.status, status: result.status });
      return result;
    },

    async capturePayment(input: PaymentIntentStep): Promise<CaptureResult> {
      let intent: Stripe.PaymentIntent;
      try {
        intent = await stripeCall(() =>
          stripe.paymentIntents.capture(input.paymentIntentId, { expand: ['latest_charge'] }, { idempotencyKey: key(input.bookingId, input.step ?? PAYMENT_STEPS.capture) }),
        );
      } catch (error) {
        // Captured already by an attempt whose key Stripe has since forgotten: that capture is ours.
        const current = await settledAs(error, input.paymentIntentId, 'succeeded');
        if (!current) throw error;
        intent = current;
      }
      const chargeId = idOf(intent.latest_charge);
      if (!chargeId) throw new Error(`Stripe returned the captured PaymentIntent ${intent.id} without a charge`);
      await bookingPayments.captured({
        paymentIntentId: intent.id,
        bookingId: input.bookingId,
        stepPrefix: prefixOf(input.step ?? PAYMENT_STEPS.capture, PAYMENT_STEPS.capture),
        chargeId,
        amountMinor: intent.amount_received,
      });
      log.info('payment captured', { bookingId: input.bookingId, paymentIntentId: intent.id, chargeId, amount: intent.amount_received });
      return { chargeId, amountCapturedMinor: intent.amount_received };
    },

    async releasePayment(input: PaymentIntentStep): Promise<void> {
      try {
        await stripeCall(() =>
          stripe.paymentIntents.cancel(input.paymentIntentId, { cancellation_reason: 'abandoned' }, { idempotencyKey: key(input.bookingId, input.step ?? PAYMENT_STEPS.release) }),
        );
        log.info('payment hold released', { bookingId: input.bookingId, paymentIntentId: input.paymentIntentId });
      } catch (error) {
        if (!(await settledAs(error, input.paymentIntentId, 'canceled'))) throw error;
        log.info('payment hold was already released', { bookingId: input.bookingId, paymentIntentId: input.paymentIntentId });
      }
      await bookingPayments.released(input.paymentIntentId);
    },

    async refundPayment(input: RefundInput): Promise<RefundResult> {
      requirePositiveAmount(input.amountMinor);
      const existing = await findByStep(stripe.refunds.list({ payment_intent: input.paymentIntentId, limit: 100 }), input.step);
      heartbeat();
      if (existing) {
        log.info('refund was already issued', { bookingId: input.bookingId, step: input.step, refundId: existing.id });
        await bookingPayments.refunded({ paymentIntentId: input.paymentIntentId, refundId: existing.id, amountMinor: existing.amount });
        return { refundId: existing.id, amountMinor: existing.amount };
      }
      const refund = await stripeCall(() =>
        stripe.refunds.create(
          {
            payment_intent: input.paymentIntentId,
            amount: input.amountMinor,
            reason: 'requested_by_customer',
            metadata: { bookingId: input.bookingId, step: input.step, reason: input.reason.slice(0, METADATA_VALUE_MAX) },
          },
          { idempotencyKey: key(input.bookingId, input.step) },
        ),
      );
      await bookingPayments.refunded({ paymentIntentId: input.paymentIntentId, refundId: refund.id, amountMinor: refund.amount });
      log.info('refund issued', { bookingId: input.bookingId, step: input.step, refundId: refund.id, amount: refund.amount });
      return { refundId: refund.id, amountMinor: refund.amount };
    },

    async getPayoutAccount(input: { tutorId: string }): Promise<PayoutAccount | null> {
      const profile = await tutorProfiles.findByUserId(input.tutorId);
      if (!profile?.stripeAccountId) return null;
      return { accountId: profile.stripeAccountId, payoutsEnabled: profile.payoutsEnabled };
    },

    async payoutTutor(input: PayoutInput): Promise<PayoutResult> {
      requirePositiveAmount(input.amountMinor);
      const step = input.step ?? PAYMENT_STEPS.payout;
      const existing = await findByStep(stripe.transfers.list({ transfer_group: input.bookingId, limit: 100 }), step);
      heartbeat();
      if (existing) {
        log.info('tutor was already paid out', { bookingId: input.bookingId, transferId: existing.id });
        await bookingPayments.transferred({ chargeId: input.chargeId, transferId: existing.id, amountMinor: existing.amount });
        return { transferId: existing.id, amountMinor: existing.amount };
      }
      const transfer = await stripeCall(() =>
        stripe.transfers.create(
          {
            amount: input.amountMinor,
            currency: input.currency.toLowerCase(),
            destination: input.tutorAccountId,
            // Ties the transfer to the lesson's charge: it waits for those funds instead of the balance.
            source_transaction: input.chargeId,
            transfer_group: input.bookingId,
            metadata: { bookingId: input.bookingId, step },
          },
          { idempotencyKey: key(input.bookingId, step) },
        ),
      );
      await bookingPayments.transferred({ chargeId: input.chargeId, transferId: transfer.id, amountMinor: transfer.amount });
      log.info('tutor paid out', { bookingId: input.bookingId, transferId: transfer.id, amount: transfer.amount, destination: input.tutorAccountId });
      return { transferId: transfer.id, amountMinor: transfer.amount };
    },

    async reverseTransfer(input: ReverseTransferInput): Promise<void> {
      requirePositiveAmount(input.amountMinor);
      const existing = await findByStep(stripe.transfers.listReversals(input.transferId, { limit: 100 }), input.step);
      heartbeat();
      if (existing) {
        log.info('transfer was already reversed', { bookingId: input.bookingId, step: input.step, reversalId: existing.id });
        await bookingPayments.reversed({ transferId: input.transferId, reversalId: existing.id, amountMinor: existing.amount });
        return;
      }
      const reversal = await stripeCall(() =>
        stripe.transfers.createReversal(
          input.transferId,
          { amount: input.amountMinor, metadata: { bookingId: input.bookingId, step: input.step } },
          { idempotencyKey: key(input.bookingId, input.step) },
        ),
      );
      await bookingPayments.reversed({ transferId: input.transferId, reversalId: reversal.id, amountMinor: reversal.amount });
      log.info('transfer reversed', { bookingId: input.bookingId, step: input.step, reversalId: reversal.id, amount: reversal.amount });
    },
  };

  /**
   * When Stripe refused a capture or cancel because the intent is no longer in a state for it, reads
   * the intent: in the state the step wanted, an earlier attempt did the work. Returns it then, or
   * null for any other error.
   */
  async function settledAs(error: unknown, paymentIntentId: string, wanted: Stripe.PaymentIntent.Status): Promise<Stripe.PaymentIntent | null> {
    const refusal = error instanceof ApplicationFailure ? error.cause : error;
    if (!(refusal instanceof Stripe.errors.StripeInvalidRequestError) || refusal.code !== 'payment_intent_unexpected_state') return null;
    const intent = await stripeCall(() => stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge'] }));
    return intent.status === wanted ? intent : null;
  }
}

function key(bookingId: string, step: string): string {
  return `${bookingId}:${step}`;
}

/** The payment's step prefix ('' or `reprice-<n>:`) from one of its steps' names. */
function prefixOf(step: string, name: string): string {
  return step.endsWith(name) ? step.slice(0, step.length - name.length) : '';
}

function idOf(value: string | { id: string } | null): string | null {
  if (value === null) return null;
  return typeof value === 'string' ? value : value.id;
}

export function requirePositiveAmount(amountMinor: number): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    throw ApplicationFailure.nonRetryable(`An amount must be a positive integer of minor units, got ${amountMinor}`, FAILURE_TYPES.invalidRequest);
  }
}

function authorizationOf(intent: Stripe.PaymentIntent): AuthorizeResult {
  switch (intent.status) {
    case 'requires_capture':
      return { paymentIntentId: intent.id, status: 'authorized' };
    case 'requires_action':
    case 'requires_confirmation':
      return { paymentIntentId: intent.id, status: 'requires_action', ...(intent.client_secret ? { clientSecret: intent.client_secret } : {}) };
    case 'requires_payment_method':
    case 'canceled':
      return {
        paymentIntentId: intent.id,
        status: 'failed',
        failureMessage: intent.last_payment_error?.message ?? 'The payment method was not accepted',
      };
    default:
      // succeeded or processing: not what a confirmed manual-capture card payment can be.
      throw ApplicationFailure.nonRetryable(`Unexpected PaymentIntent status ${intent.status} after authorization`, FAILURE_TYPES.invalidRequest);
  }
}

/** The first object of a Stripe list (auto-paginated) made by this step, found by metadata.step. */
export async function findByStep<T extends { id: string; metadata: Stripe.Metadata | null }>(list: AsyncIterable<T>, step: string): Promise<T | undefined> {
  return stripeCall(async () => {
    for await (const item of list) {
      if (item.metadata?.step === step) return item;
    }
    return undefined;
  });
}

/** The card error inside a CardDeclined failure from stripeCall, if that is what `error` is. */
export function declineOf(error: unknown): Stripe.errors.StripeCardError | null {
  if (!(error instanceof ApplicationFailure) || error.type !== FAILURE_TYPES.cardDeclined) return null;
  return error.cause instanceof Stripe.errors.StripeCardError ? error.cause : null;
}

/**
 * Runs a Stripe call and sorts its failures: a decline and an invalid request become non-retryable
 * failures the workflow can branch on (authorize turns a decline into its result); anything else
 * (connection, rate limit, Stripe's 5xx, credentials) is rethrown for Temporal to retry with backoff.
 */
export async function stripeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const type =
      error instanceof Stripe.errors.StripeCardError
        ? FAILURE_TYPES.cardDeclined
        : error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripeIdempotencyError
          ? FAILURE_TYPES.invalidRequest
          : null;
    if (!type || !(error instanceof Stripe.errors.StripeError)) throw error;
    throw ApplicationFailure.create({
      message: type === FAILURE_TYPES.cardDeclined ? error.message : `Stripe refused the request: ${error.message}`,
      type,
      nonRetryable: true,
      details: [{ code: error.code ?? null, declineCode: error.decline_code ?? null, statusCode: error.statusCode ?? null, requestId: error.requestId ?? null }],
      cause: error,
    });
  }
}
