/**
 * What pays for a lesson booked without a card hold of its full price: one of the student's
 * package credits, or their one trial lesson with the tutor. Both are taken in Postgres before the
 * booking's workflow starts, under a constraint, never by check-then-insert:
 * - a credit: a conditional update under the package row's lock (`credits_left > 0`, checked
 *   `>= 0`), so two bookings racing for the last credit cannot both take it;
 * - a trial: the primary key (student, tutor) of trial_lessons, so two trial requests at once
 *   make one trial.
 * Both are keyed by the booking id, so a retried request (same Idempotency-Key) takes nothing twice.
 */
import type { PackageRepository } from '../../db/repositories/package-repository.js';
import { creditValue } from '../../domain/credits.js';
import { AppError } from '../../domain/errors.js';

export type PayWith = 'card' | 'credit' | 'trial';

export interface Funding {
  priceMinor: number;
  /** Set when a package's credit pays. */
  packageId?: string;
  /** A free trial: no card at all. */
  free: boolean;
}

export class LessonFunding {
  constructor(private readonly packages: PackageRepository) {}

  /** Takes the credit or the trial for `bookingId`; 409 (problem+json) when there is none to take. */
  async take(request: { payWith: 'credit' | 'trial'; studentId: string; tutorId: string; lengthMinutes: number; currency: string; bookingId: string }): Promise<Funding> {
    if (request.payWith === 'credit') {
      const pkg = await this.packages.consumeCredit(request);
      if (!pkg) {
        throw new AppError('conflict', `You have no credit left for a ${request.lengthMinutes}-minute lesson with this tutor`, { extensions: { conflict: 'no_credit' } });
      }
      return { priceMinor: creditValue(pkg.priceMinor, pkg.lessons), packageId: pkg.id, free: false };
    }
    const offer = await this.packages.findTrialOffer(request.tutorId);
    if (!offer) throw new AppError('unprocessable', 'This tutor offers no trial lesson');
    if (offer.lengthMinutes !== request.lengthMinutes) throw new AppError('unprocessable', `The trial lesson lasts ${offer.lengthMinutes} minutes`);
    if (!(await this.packages.claimTrial(request.studentId, request.tutorId, request.bookingId))) {
      throw new AppError('conflict', 'You already had your trial lesson with this tutor', { extensions: { conflict: 'trial_used' } });
    }
    return { priceMinor: offer.priceMinor, free: offer.priceMinor === 0 };
  }

  /** A lesson paid with a credit or as a trial keeps its length: the credit and the trial are of one length. */
  async fixesLength(bookingId: string): Promise<boolean> {
    return (await this.packages.packageOfBooking(bookingId)) !== undefined || (await this.packages.isTrialBooking(bookingId));
  }

  /** The booking never came to be (its time was taken, the card declined): the trial is free again. A credit goes back through the booking's workflow. */
  async giveBack(payWith: PayWith, bookingId: string): Promise<void> {
    if (payWith === 'trial') await this.packages.releaseTrial(bookingId);
  }
}
