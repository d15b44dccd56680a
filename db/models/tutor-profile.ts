import { BaseModel } from './base-model.js';
import type { CancellationPolicy } from '../../domain/cancellation-policy.js';

import type { VerificationStatus } from '../../domain/verification.js';

/** Declared in domain (the API's schemas use them too); here for the readers of this model. */
export { VERIFICATION_STATUSES, type VerificationStatus } from '../../domain/verification.js';

export class TutorProfile extends BaseModel {
  static override tableName = 'tutor_profiles';
  static override idColumn = 'user_id';
  // lesson_lengths is a Postgres integer[], not JSON: objection must hand the array to pg as it is.
  static override jsonAttributes: string[] = [];

  userId!: string;
  headline!: string;
  bio!: string;
  hourlyRateMinor!: number;
  currency!: string;
  /** Minutes. */
  lessonLengths!: number[];
  /** IANA zone. */
  timeZone!: string;
  instantBooking!: boolean;
  cancellationPolicy!: CancellationPolicy;
  verificationStatus!: VerificationStatus;
  /** numeric(3,2): Postgres hands it over as a string. */
  ratingAverage!: string | null;
  ratingCount!: number;
  stripeAccountId!: string | null;
  payoutsEnabled!: boolean;
  payoutsUpdatedAt!: Date | null;
  avatarFileId!: string | null;
  published!: boolean;
  createdAt!: Date;
  updatedAt!: Date;
}

/** A row of tutor_subjects or tutor_languages, read in batches for many tutors at once. */
export interface TutorSubjectRow {
  tutorId: string;
  subjectId: string;
}

export interface TutorLanguageRow {
  tutorId: string;
  language: string;
}
