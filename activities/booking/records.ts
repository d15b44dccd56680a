/**
 * The booking activities that write our own stores: the bookings read model and event log in
 * Postgres, availability events on Redis, and notifications (in-app, pushed, and emails through
 * the outbox). Each is keyed so that running it twice writes once.
 */
import { ApplicationFailure, log } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import { BookingDisputeRepository } from '../../db/repositories/booking-dispute-repository.js';
import { BookingRepository } from '../../db/repositories/booking-repository.js';
import { PackageRepository } from '../../db/repositories/package-repository.js';
import { CHANNELS, type AvailabilityChanged } from '../../domain/events.js';
import type { EmailSender } from '../../platform/email/email-sender.js';
import { bookingEmailLinks } from '../../platform/email/templates/booking.js';
import { isTemplateName } from '../../platform/email/templates/index.js';
import { bookingKindOf } from '../../platform/notifications/booking-kinds.js';
import { Notifier } from '../../platform/notifications/notifier.js';
import type { BookingActivities } from './types.js';

export interface RecordActivityDependencies {
  db: Knex;
  redis: Redis;
  emails: EmailSender;
  /** The web app's address (FRONTEND_BASE_URL), for the links emails carry. */
  frontendBaseUrl: string;
}

type RecordActivities = Pick<
  BookingActivities,
  'reserveBooking' | 'recordTransition' | 'recordEvent' | 'recordPayment' | 'recordReschedule' | 'recordMeeting' | 'recordAttention' | 'recordDispute' | 'publishAvailabilityChanged' | 'notify'
>;

/**
 * Postgres refusing a write for good — an integrity or data error (SQLSTATE classes 23 and 22) —
 * is a bug or a wrong amount, not an outage: retrying cannot help, so it is non-retryable and the
 * workflow raises attention. Anything else (connection, lock timeout, shutdown) is retried.
 */
async function write<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^2[23]/.test(code)) {
      throw ApplicationFailure.create({ message: `Postgres refused ${what}: ${(error as Error).message}`, type: 'ReadModelRefused', nonRetryable: true, details: [{ sqlState: code }] });
    }
    throw error;
  }
}

const FINAL = new Set(['ENDED', 'DECLINED', 'EXPIRED', 'CANCELLED', 'PAYMENT_FAILED']);
const TRIAL_GIVEN_BACK = new Set(['DECLINED', 'EXPIRED']);

export function createRecordActivities({ db, redis, emails, frontendBaseUrl }: RecordActivityDependencies): RecordActivities {
  const bookings = new BookingRepository(db);
  const notifier = new Notifier({ db, redis, emails, warn: (message, meta) => log.warn(message, meta) });
  const disputes = new BookingDisputeRepository(db);

  return {
    async reserveBooking(input) {
      const end = new Date(input.sessionEnd);
      return bookings.reserve({
        id: input.bookingId,
        studentId: input.studentId,
        tutorId: input.tutorId,
        sessionStart: new Date(input.sessionStart),
        sessionEnd: end,
        blockedUntil: new Date(end.getTime() + input.bufferMinutes * 60_000),
        timeZone: input.timeZone,
        priceMinor: input.priceMinor,
        currency: input.currency,
        commissionBps: input.commissionBps,
        cancellationPolicy: input.cancellationPolicy,
        instant: input.instant,
        requestExpiresAt: new Date(input.requestExpiresAt),
        idempotencyKey: input.idempotencyKey,
        requestHash: input.requestHash,
        // Bookings started before paidWith was passed: a package names a credit.
        paidWith: input.paidWith ?? (input.packageId ? 'credit' : 'card'),
        packageId: input.packageId ?? null,
      });
    },

    async recordTransition(record) {
      await write('the status', () => db.transaction(async (trx) => {
        await bookings.setStatus(
          record.bookingId,
          record.to,
          FINAL.has(record.to) ? { cancelledBy: record.to === 'CANCELLED' ? record.actor : null, closeReason: record.reason ?? null } : {},
          trx,
        );
        await bookings.appendEvent(
          {
            bookingId: record.bookingId,
            type: `status.${record.to.toLowerCase()}`,
            at: new Date(record.at),
            actor: record.actor,
            actorId: record.actorId ?? null,
            dedupeKey: `status.${record.to}`,
            data: { from: record.from, to: record.to, ...(record.reason ? { reason: record.reason } : {}) },
          },
          trx,
        );
        // A trial request the tutor declined or let expire was never a lesson: the trial is free again
        // (deleting this booking's claim, so a retried activity or a newer claim is untouched).
        if (TRIAL_GIVEN_BACK.has(record.to)) await new PackageRepository(trx).releaseTrial(record.bookingId);
      }));
    },

    async recordEvent(event) {
      await write('the timeline event', () => bookings.appendEvent({
        bookingId: event.bookingId,
        type: event.type,
        at: new Date(event.at),
        actor: event.actor,
        actorId: event.actorId ?? null,
        dedupeKey: event.dedupeKey,
        data: event.data ?? {},
      }));
    },

    async recordPayment(record) {
      await write('the payment', () => bookings.setPayment(record.bookingId, {
        paymentStatus: record.paymentStatus,
        capturedMinor: record.capturedMinor,
        refundedMinor: record.refundedMinor,
        paidOutMinor: record.paidOutMinor,
        ...(record.paymentIntentId ? { paymentIntentId: record.paymentIntentId } : {}),
        ...(record.chargeId ? { chargeId: record.chargeId } : {}),
        ...(record.transferId ? { transferId: record.transferId } : {}),
      }));
    },

    async recordReschedule(input) {
      return bookings.moveTimes(input.bookingId, new Date(input.sessionStart), new Date(input.sessionEnd), input.priceMinor);
    },

    async recordMeeting({ bookingId, meetingId, joinUrl }) {
      await write('the meeting', () => bookings.setMeeting(bookingId, { meetingId, meetingJoinUrl: joinUrl }));
    },

    async recordDispute(record) {
      await write('the dispute', () => disputes.upsert(record));
    },

    async recordAttention({ bookingId, reason, since }) {
      await bookings.setAttention(bookingId, { reason, since: since ? new Date(since) : null });
    },

    async publishAvailabilityChanged({ tutorId }) {
      const message: AvailabilityChanged = { tutorId, reason: 'booking', changedAt: new Date().toISOString() };
      try {
        await redis.publish(CHANNELS.availabilityChanged, JSON.stringify(message));
      } catch (error) {
        // A missed broadcast only makes a watcher's view stale until it refreshes; it must not
        // hold up a booking, so Redis being down is logged, not retried.
        log.warn('availability broadcast failed', { tutorId, error: (error as Error).message });
      }
    },

    async notify(input) {
      const kind = bookingKindOf(input.template);
      if (!kind || !isTemplateName(input.template)) throw ApplicationFailure.nonRetryable(`No email template named ${input.template}`, 'UnknownEmailTemplate');
      const template = input.template;
      // Each recipient in their own language and time zone, by their preferences: an in-app
      // notification (pushed to their sockets) and an email, each once per recipient per booking step.
      const { emailIds } = await notifier.notify(
        input.recipientUserIds.map((userId) => ({
          userId,
          kind,
          dedupeKey: `booking:${input.bookingId}:${input.step}`,
          template,
          params: input.params,
          paramsFor: (recipient) => bookingEmailLinks(template, input.bookingId, recipient.role, frontendBaseUrl),
          data: { bookingId: input.bookingId },
        })),
      );
      // Sending is best effort here; whatever Brevo does not take stays in the outbox for the relay.
      try {
        await emails.deliver(emailIds);
      } catch (error) {
        log.warn('email delivery failed; the outbox relay will retry', { error: (error as Error).message });
      }
    },
  };
}
