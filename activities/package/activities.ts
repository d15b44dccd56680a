/**
 * The package workflow's activities, built from the worker's clients. Stripe: one PaymentIntent
 * captured at purchase (`<packageId>:charge`), refunds of unused credits (`<packageId>:<step>`,
 * looked up by metadata.step first), and the tutor's share of each lesson as a transfer from the
 * package's charge (source_transaction, `<packageId>:payout-<bookingId>`). Refusals are
 * non-retryable failures (the workflow raises attention); outages are retried by Temporal.
 */
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type Stripe from 'stripe';
import { PackageRepository } from '../../db/repositories/package-repository.js';
import { StudentProfileRepository } from '../../db/repositories/student-profile-repository.js';
import { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import type { Config } from '../../domain/config.js';
import { createStripeClient } from '../../integrations/stripe.js';
import type { EmailSender } from '../../platform/email/email-sender.js';
import { isTemplateName } from '../../platform/email/templates/index.js';
import { ensureStripeCustomer } from '../../platform/payments/stripe-customer.js';
import { Notifier } from '../../platform/notifications/notifier.js';
import { declineOf, findByStep, requirePositiveAmount, stripeCall } from '../booking/payments.js';
import { FAILURE_TYPES } from '../booking/types.js';
import type { PackageActivities, PackageNotice } from './types.js';

export interface PackageActivityDependencies {
  config: Config;
  db: Knex;
  redis: Redis;
  emails: EmailSender;
}

const key = (packageId: string, step: string) => `${packageId}:${step}`;

export function createPackageActivities({ config, db, redis, emails }: PackageActivityDependencies): PackageActivities {
  const stripe = createStripeClient(config.stripe);
  const packages = new PackageRepository(db);
  const users = new UserRepository(db);
  const tutorProfiles = new TutorProfileRepository(db);
  const customers = { stripe, users, studentProfiles: new StudentProfileRepository(db) };
  const notifier = new Notifier({ db, redis, emails, warn: (message, meta) => log.warn(message, meta) });

  /** Expiring soon: an in-app notification and an email by the student's preferences and language, naming the credits left. */
  async function remindOfExpiry(input: PackageNotice): Promise<string[]> {
    const pkg = await packages.findPackage(input.packageId);
    if (!pkg || pkg.status !== 'active' || pkg.creditsLeft === 0) return [];
    const { emailIds } = await notifier.notify(
      input.recipientUserIds.map((userId) => ({
        userId,
        kind: 'package.expiring' as const,
        dedupeKey: `package:${input.packageId}:${input.step}`,
        template: 'package-expiring' as const,
        params: { packageId: pkg.id, remainingLessons: pkg.creditsLeft, expiresAt: pkg.expiresAt.toISOString() },
        data: { packageId: pkg.id },
      })),
    );
    return emailIds;
  }

  return {
    async chargePackage(input) {
      requirePositiveAmount(input.amountMinor);
      const customer = await ensureStripeCustomer(customers, input.studentId, stripeCall);
      if (!customer) throw ApplicationFailure.nonRetryable(`Student ${input.studentId} does not exist`, FAILURE_TYPES.invalidRequest);
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
              capture_method: 'automatic',
              confirm: true,
              off_session: false,
              transfer_group: input.packageId,
              metadata: { packageId: input.packageId },
              expand: ['latest_charge'],
            },
            { idempotencyKey: key(input.packageId, 'charge') },
          ),
        );
      } catch (error) {
        const decline = declineOf(error);
        if (!decline) throw error;
        return { status: 'failed', ...(decline.payment_intent?.id ? { paymentIntentId: decline.payment_intent.id } : {}), message: decline.message };
      }
      if (intent.status !== 'succeeded') {
        // A package is bought in one step: a card that asks for 3-D Secure is not charged (the intent is cancelled).
        if (intent.status !== 'canceled') await stripeCall(() => stripe.paymentIntents.cancel(intent.id, {}, { idempotencyKey: key(input.packageId, 'charge-cancel') }));
        return { status: 'failed', paymentIntentId: intent.id, message: intent.last_payment_error?.message ?? `The card was not charged (${intent.status}); use a card that needs no authentication` };
      }
      const charge = intent.latest_charge;
      const chargeId = typeof charge === 'string' ? charge : charge?.id;
      if (!chargeId) throw new Error(`Stripe returned the succeeded PaymentIntent ${intent.id} without a charge`);
      log.info('package charged', { packageId: input.packageId, paymentIntentId: intent.id, chargeId, amount: intent.amount_received });
      return { status: 'succeeded', paymentIntentId: intent.id, chargeId, amountMinor: intent.amount_received };
    },

    async recordPackage(input) {
      const { packageId, ...patch } = input;
      await packages.recordPackage(packageId, patch);
    },

    async grantCredits(input) {
      await packages.grantCredits(input.packageId);
    },

    async takeUnusedCredits(input) {
      return packages.takeUnusedCredits(input);
    },

    async returnCredit(input) {
      return packages.returnCredit(input.packageId, input.bookingId);
    },

    async consumedLessons(input) {
      return packages.consumedLessons(input.packageId);
    },

    async refundPackage(input) {
      requirePositiveAmount(input.amountMinor);
      const existing = await findByStep(stripe.refunds.list({ payment_intent: input.paymentIntentId, limit: 100 }), input.step);
      Context.current().heartbeat();
      if (existing) return { refundId: existing.id, amountMinor: existing.amount };
      const refund = await stripeCall(() =>
        stripe.refunds.create(
          { payment_intent: input.paymentIntentId, amount: input.amountMinor, reason: 'requested_by_customer', metadata: { packageId: input.packageId, step: input.step, reason: input.reason.slice(0, 500) } },
          { idempotencyKey: key(input.packageId, input.step) },
        ),
      );
      log.info('package refund issued', { packageId: input.packageId, step: input.step, refundId: refund.id, amount: refund.amount });
      return { refundId: refund.id, amountMinor: refund.amount };
    },

    async packagePayoutAccount(input) {
      const profile = await tutorProfiles.findByUserId(input.tutorId);
      if (!profile?.stripeAccountId) return null;
      return { accountId: profile.stripeAccountId, payoutsEnabled: profile.payoutsEnabled };
    },

    async payLesson(input) {
      requirePositiveAmount(input.amountMinor);
      const step = `payout-${input.bookingId}`;
      const existing = await findByStep(stripe.transfers.list({ transfer_group: input.packageId, limit: 100 }), step);
      Context.current().heartbeat();
      if (existing) return { transferId: existing.id, amountMinor: existing.amount };
      const transfer = await stripeCall(() =>
        stripe.transfers.create(
          {
            amount: input.amountMinor,
            currency: input.currency.toLowerCase(),
            destination: input.tutorAccountId,
            // The lesson was paid for by the package's charge: the transfer draws on it, never on the balance.
            source_transaction: input.chargeId,
            transfer_group: input.packageId,
            metadata: { packageId: input.packageId, bookingId: input.bookingId, step },
          },
          { idempotencyKey: key(input.packageId, step) },
        ),
      );
      log.info('package lesson paid out', { packageId: input.packageId, bookingId: input.bookingId, transferId: transfer.id, amount: transfer.amount });
      return { transferId: transfer.id, amountMinor: transfer.amount };
    },

    async notifyPackage(input) {
      if (!isTemplateName(input.template)) throw ApplicationFailure.nonRetryable(`No email template named ${input.template}`, 'UnknownEmailTemplate');
      const template = input.template;
      let emailIds: string[];
      if (template === 'package-expiring') emailIds = await remindOfExpiry(input);
      else {
        const recipients = await users.findByIds(input.recipientUserIds);
        const rows = await emails.enqueue(
          recipients.map((user) => ({
            dedupeKey: `package:${input.packageId}:${input.step}:${user.id}`,
            template,
            to: { email: user.email, name: user.displayName },
            params: { ...input.params, recipientName: user.displayName, role: user.role } as never,
          })),
        );
        emailIds = rows.map((row) => row.id);
      }
      try {
        await emails.deliver(emailIds);
      } catch (error) {
        log.warn('email delivery failed; the outbox relay will retry', { error: (error as Error).message });
      }
    },
  };
}
