import { BaseModel } from './base-model.js';

/** A student's review of an ended booking, with the tutor's one reply and the moderation state. */
export class Review extends BaseModel {
  static override tableName = 'reviews';

  id!: string;
  bookingId!: string;
  tutorId!: string;
  studentId!: string;
  rating!: number;
  text!: string;
  reply!: string | null;
  repliedAt!: Date | null;
  /** Set by an admin: the review leaves the public list and the tutor's rating. */
  hiddenAt!: Date | null;
  hiddenBy!: string | null;
  hiddenReason!: string | null;
  createdAt!: Date;
  updatedAt!: Date;
}
