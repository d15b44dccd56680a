import type { Knex } from 'knex';
import { TutorProfile, type TutorLanguageRow, type TutorSubjectRow, type VerificationStatus } from '../models/tutor-profile.js';

export type TutorProfileWrite = Pick<
  TutorProfile,
  'headline' | 'bio' | 'hourlyRateMinor' | 'currency' | 'lessonLengths' | 'timeZone' | 'instantBooking' | 'cancellationPolicy' | 'published'
>;

/** Every query on tutor_profiles, tutor_subjects and tutor_languages. */
export class TutorProfileRepository {
  constructor(private readonly db: Knex) {}

  async findByUserId(userId: string, trx?: Knex.Transaction): Promise<TutorProfile | undefined> {
    return TutorProfile.query(trx ?? this.db).findById(userId);
  }

  async findByUserIdForUpdate(userId: string, trx: Knex.Transaction): Promise<TutorProfile | undefined> {
    return TutorProfile.query(trx).findById(userId).forUpdate();
  }

  /**
   * Serializes writers of one tutor's profile until the transaction ends, including the very first
   * write, when there is no row yet to lock.
   */
  async lockForWrite(userId: string, trx: Knex.Transaction): Promise<void> {
    await trx.raw(`select pg_advisory_xact_lock(hashtextextended('tutor_profiles:' || ?, 0))`, [userId]);
  }

  async insert(userId: string, values: TutorProfileWrite, trx?: Knex.Transaction): Promise<TutorProfile> {
    return TutorProfile.query(trx ?? this.db).insertAndFetch({ userId, ...values });
  }

  async update(userId: string, values: Partial<TutorProfileWrite>, trx?: Knex.Transaction): Promise<TutorProfile> {
    return TutorProfile.query(trx ?? this.db).patchAndFetchById(userId, { ...values, updatedAt: new Date() });
  }

  async subjectsOf(tutorIds: readonly string[], trx?: Knex.Transaction): Promise<TutorSubjectRow[]> {
    if (tutorIds.length === 0) return [];
    const rows = await (trx ?? this.db)('tutor_subjects').whereIn('tutor_id', tutorIds).orderBy('subject_id').select('tutor_id', 'subject_id');
    return rows.map((row: { tutor_id: string; subject_id: string }) => ({ tutorId: row.tutor_id, subjectId: row.subject_id }));
  }

  async languagesOf(tutorIds: readonly string[], trx?: Knex.Transaction): Promise<TutorLanguageRow[]> {
    if (tutorIds.length === 0) return [];
    const rows = await (trx ?? this.db)('tutor_languages').whereIn('tutor_id', tutorIds).orderBy('language').select('tutor_id', 'language');
    return rows.map((row: { tutor_id: string; language: string }) => ({ tutorId: row.tutor_id, language: row.language }));
  }

  async replaceSubjects(tutorId: string, subjectIds: readonly string[], trx: Knex.Transaction): Promise<void> {
    await trx('tutor_subjects').where({ tutor_id: tutorId }).delete();
    if (subjectIds.length > 0) {
      await trx('tutor_subjects').insert(subjectIds.map((subjectId) => ({ tutor_id: tutorId, subject_id: subjectId })));
    }
  }

  async replaceLanguages(tutorId: string, languages: readonly string[], trx: Knex.Transaction): Promise<void> {
    await trx('tutor_languages').where({ tutor_id: tutorId }).delete();
    if (languages.length > 0) {
      await trx('tutor_languages').insert(languages.map((language) => ({ tutor_id: tutorId, language })));
    }
  }

  async setAvatar(userId: string, fileId: string, trx?: Knex.Transaction): Promise<void> {
    await TutorProfile.query(trx ?? this.db).findById(userId).patch({ avatarFileId: fileId, updatedAt: new Date() });
  }

  async setVerificationStatus(userId: string, status: VerificationStatus, trx?: Knex.Transaction): Promise<void> {
    await TutorProfile.query(trx ?? this.db).findById(userId).patch({ verificationStatus: status, updatedAt: new Date() });
  }

  /**
   * Stores the tutor's Connect account unless one is already stored, and returns whichever is
   * stored afterwards, so two concurrent onboardings end up agreeing on one account.
   */
  async setStripeAccountIfAbsent(userId: string, accountId: string, trx?: Knex.Transaction): Promise<string | null> {
    const db = trx ?? this.db;
    await TutorProfile.query(db).findById(userId).whereNull('stripe_account_id').patch({ stripeAccountId: accountId, updatedAt: new Date() });
    return (await TutorProfile.query(db).findById(userId))?.stripeAccountId ?? null;
  }

  /**
   * Mirrors the account's payouts flag as of `asOf` (when Stripe reported it), unless a later report
   * was applied already. Returns how many profiles changed.
   */
  async setPayoutsEnabledByAccount(accountId: string, payoutsEnabled: boolean, asOf: Date, trx?: Knex.Transaction): Promise<number> {
    return TutorProfile.query(trx ?? this.db)
      .where({ stripe_account_id: accountId })
      .where((query) => query.whereNull('payouts_updated_at').orWhere('payouts_updated_at', '<=', asOf))
      .patch({ payoutsEnabled, payoutsUpdatedAt: asOf, updatedAt: new Date() });
  }
}
