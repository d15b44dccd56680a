/**
 * Reviews of ended lessons: the booking's student writes one (within REVIEW_WINDOW of the lesson's
 * end) and may edit it for REVIEW_EDIT_WINDOW; the tutor replies once; an admin hides one with a
 * reason, recorded in the booking's event log as an admin action (the audit log). Every write
 * recomputes the tutor's rating from the visible reviews in the same transaction, so search by
 * rating is never behind.
 */
import type { Knex } from 'knex';
import type { Review } from '../../db/models/review.js';
import type { BookingRepository } from '../../db/repositories/booking-repository.js';
import type { ModeratedReview, ModerationQuery, PublicReview, ReviewRepository } from '../../db/repositories/review-repository.js';
import type { Config } from '../../domain/config.js';
import { AppError } from '../../domain/errors.js';
import { type Principal, requireAdmin } from '../../domain/principal.js';
import type { NotificationService } from '../notifications/notification-service.js';

export interface ReviewServiceDependencies {
  config: Pick<Config, 'reviews'>;
  reviews: ReviewRepository;
  bookings: Pick<BookingRepository, 'findById' | 'appendEvent'>;
  /** Tells the tutor of a new review (in the app and by email, by their preferences). */
  notifications?: Pick<NotificationService, 'reviewReceived'>;
}

export interface ReviewInput {
  rating: number;
  text: string;
}

export class ReviewService {
  constructor(private readonly deps: ReviewServiceDependencies) {}

  /** The student of an ended booking reviews it, once. */
  async create(principal: Principal, bookingId: string, input: ReviewInput): Promise<Review> {
    const booking = await this.deps.bookings.findById(bookingId);
    if (!booking || booking.studentId !== principal.userId) throw AppError.notFound('Booking');
    if (booking.status !== 'ENDED') throw AppError.conflict(`Only an ended lesson can be reviewed; this booking is ${booking.status}`);
    if (Date.now() > booking.sessionEnd.getTime() + this.deps.config.reviews.windowMs) {
      throw AppError.conflict('The time to review this lesson is over');
    }
    const created = await this.writeRating(booking.tutorId, async (trx) => {
      const review = await this.deps.reviews.insert({ bookingId, tutorId: booking.tutorId, studentId: booking.studentId, ...input }, trx);
      if (!review) throw AppError.conflict('This lesson already has your review; edit it instead');
      return review;
    });
    await this.deps.notifications?.reviewReceived(created);
    return created;
  }

  /** A booking's review, for its student, its tutor and admins (hidden ones too, with the reason). */
  async forBooking(principal: Principal, bookingId: string): Promise<Review> {
    const booking = await this.deps.bookings.findById(bookingId);
    const party = booking && (principal.role === 'admin' || booking.studentId === principal.userId || booking.tutorId === principal.userId);
    if (!party) throw AppError.notFound('Booking');
    const review = await this.deps.reviews.findByBooking(bookingId);
    if (!review) throw AppError.notFound('Review');
    return review;
  }

  /** The author changes the rating and text, within REVIEW_EDIT_WINDOW of writing it. */
  async edit(principal: Principal, reviewId: string, input: ReviewInput): Promise<Review> {
    const review = await this.deps.reviews.findById(reviewId);
    if (!review || review.studentId !== principal.userId) throw AppError.notFound('Review');
    if (review.hiddenAt) throw AppError.conflict('This review was hidden by a moderator and can no longer be edited');
    if (Date.now() > this.editableUntil(review).getTime()) throw AppError.conflict('The time to edit this review is over');
    return this.writeRating(review.tutorId, (trx) => this.deps.reviews.update(reviewId, input, trx));
  }

  /** The reviewed tutor answers, once. */
  async reply(principal: Principal, reviewId: string, text: string): Promise<Review> {
    const found = await this.deps.reviews.findById(reviewId);
    if (!found || found.tutorId !== principal.userId) throw AppError.notFound('Review');
    return this.deps.reviews.transaction(async (trx) => {
      // Locked, so two replies at once cannot both see "no reply yet".
      const review = await this.deps.reviews.findById(reviewId, trx, { forUpdate: true });
      if (!review) throw AppError.notFound('Review');
      if (review.reply !== null) throw AppError.conflict('You already replied to this review');
      return this.deps.reviews.update(reviewId, { reply: text, repliedAt: new Date() }, trx);
    });
  }

  /** Admins: hide a review from the public list and the tutor's rating; the reason goes to the audit log. */
  async hide(principal: Principal, reviewId: string, reason: string): Promise<Review> {
    requireAdmin(principal);
    const found = await this.deps.reviews.findById(reviewId);
    if (!found) throw AppError.notFound('Review');
    return this.writeRating(found.tutorId, async (trx) => {
      const review = await this.deps.reviews.findById(reviewId, trx, { forUpdate: true });
      if (!review) throw AppError.notFound('Review');
      if (review.hiddenAt) throw AppError.conflict('This review is already hidden');
      const at = new Date();
      const hidden = await this.deps.reviews.update(reviewId, { hiddenAt: at, hiddenBy: principal.userId, hiddenReason: reason }, trx);
      await this.deps.bookings.appendEvent(
        { bookingId: review.bookingId, type: 'review.hidden', at, actor: 'admin', actorId: principal.userId, dedupeKey: `review.hidden:${reviewId}`, data: { reviewId, reason, rating: review.rating } },
        trx,
      );
      return hidden;
    });
  }

  /**
   * The reviewed tutor flags a review for the moderators (personal details, abuse, not about the
   * lesson), once; it then shows in the admins' "reported" list. Anyone else gets a 404, as for
   * any object that is not theirs; a hidden review is already moderated (404 too).
   */
  async report(principal: Principal, reviewId: string, reason: string): Promise<void> {
    const review = await this.deps.reviews.findById(reviewId);
    if (!review || review.tutorId !== principal.userId || review.hiddenAt) throw AppError.notFound('Review');
    if (!(await this.deps.reviews.insertReport({ reviewId, reporterId: principal.userId, reason }))) throw AppError.conflict('You already reported this review');
  }

  /** Admins: the moderation list (recent, reported or hidden reviews), newest first. */
  async listForModeration(principal: Principal, query: ModerationQuery): Promise<ModeratedReview[]> {
    requireAdmin(principal);
    return this.deps.reviews.listForModeration(query);
  }

  /** Anyone: a tutor's visible reviews, newest first. */
  async listForTutor(tutorId: string, limit: number, before?: { at: Date; id: string }): Promise<PublicReview[]> {
    return this.deps.reviews.listPublic(tutorId, limit, before);
  }

  editableUntil(review: Review): Date {
    return new Date(review.createdAt.getTime() + this.deps.config.reviews.editWindowMs);
  }

  /** A review write and the tutor's recomputed rating, in one transaction, one writer per tutor at a time. */
  private writeRating<T>(tutorId: string, write: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.deps.reviews.transaction(async (trx) => {
      await this.deps.reviews.lockTutorRating(tutorId, trx);
      const result = await write(trx);
      await this.deps.reviews.refreshTutorRating(tutorId, trx);
      return result;
    });
  }
}
