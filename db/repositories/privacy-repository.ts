/**
 * GDPR's queries: everything stored about one person (the export's archive), what stands in the way
 * of deleting an account, and the erasure itself. The archive's queries read each table the person
 * appears in; the erasure rewrites their personal data in place and keeps what the law requires.
 */
import type { Knex } from 'knex';
import { LIVE_STATUSES } from '../../domain/booking-status.js';

export interface DataExportRow {
  id: string;
  userId: string;
  status: 'pending' | 'ready' | 'failed';
  objectKey: string | null;
  sizeBytes: number | null;
  failure: string | null;
  requestedAt: Date;
  readyAt: Date | null;
}

/** Something that must end or be settled before an account can be deleted. */
export interface DeletionBlocker {
  kind: 'open_booking' | 'unsettled_booking' | 'active_series' | 'package_credits';
  id: string;
  status: string;
}

/** Stored objects of the person's files, to remove from storage once the rows are gone. */
export interface OwnedObjects {
  fileIds: string[];
  objectKeys: string[];
}

/** What replaces free text that must stay non-empty once its writer's account is deleted. */
const ERASED = '(erased with the account)';

const toExport = (row: Record<string, unknown>): DataExportRow => ({
  id: row.id as string,
  userId: row.user_id as string,
  status: row.status as DataExportRow['status'],
  objectKey: row.object_key as string | null,
  sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
  failure: row.failure as string | null,
  requestedAt: row.requested_at as Date,
  readyAt: row.ready_at as Date | null,
});

export class PrivacyRepository {
  constructor(private readonly db: Knex) {}

  transaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async insertExport(userId: string): Promise<DataExportRow> {
    const [row] = await this.db('data_exports').insert({ user_id: userId }).returning('*');
    return toExport(row);
  }

  async findExport(id: string): Promise<DataExportRow | undefined> {
    const row = await this.db('data_exports').where({ id }).first();
    return row ? toExport(row) : undefined;
  }

  async markExportReady(id: string, objectKey: string, sizeBytes: number): Promise<void> {
    await this.db('data_exports').where({ id }).update({ status: 'ready', object_key: objectKey, size_bytes: sizeBytes, ready_at: new Date(), failure: null });
  }

  async markExportFailed(id: string, failure: string): Promise<void> {
    await this.db('data_exports').where({ id, status: 'pending' }).update({ status: 'failed', failure });
  }

  /** Everything about the person, table by table, as plain rows (the archive's content). */
  async archiveOf(userId: string) {
    const db = this.db;
    const ofUser = (table: string, column = 'user_id') => db(table).where(column, userId);
    const [account] = await db('users')
      .where({ id: userId })
      .select('id', 'email', 'display_name', 'role', 'time_zone', 'language', 'email_verified_at', 'status', 'created_at', 'updated_at', db.raw('password_hash is not null as has_password'), db.raw('google_sub is not null as google_linked'));
    const bookings = await db('bookings')
      .where('student_id', userId)
      .orWhere('tutor_id', userId)
      .orderBy('session_start')
      .select(
        'id',
        db.raw("case when student_id = ? then 'student' else 'tutor' end as your_role", [userId]),
        'status',
        'session_start',
        'session_end',
        'time_zone',
        'price_minor',
        'currency',
        'commission_bps',
        'cancellation_policy',
        'payment_status',
        'captured_minor',
        'refunded_minor',
        'paid_out_minor',
        'cancelled_by',
        'close_reason',
        'created_at',
      );
    const conversations = await db('conversations').where('student_id', userId).orWhere('tutor_id', userId).select('id', 'student_id', 'tutor_id', 'created_at');
    const messages = await db('messages')
      .whereIn('conversation_id', conversations.map((conversation: { id: string }) => conversation.id))
      .orderBy(['conversation_id', 'seq'])
      .select('id', 'conversation_id', db.raw("case when sender_id = ? then 'you' else 'the other party' end as sender", [userId]), 'body', 'attachment_file_id', 'created_at');
    return {
      account,
      tutorProfile: (await ofUser('tutor_profiles').first()) ?? null,
      tutorSubjects: await ofUser('tutor_subjects', 'tutor_id').select('subject_id'),
      tutorLanguages: await ofUser('tutor_languages', 'tutor_id').select('language'),
      studentProfile: (await ofUser('student_profiles').first()) ?? null,
      availabilityRules: await ofUser('availability_rules', 'tutor_id'),
      availabilityOverrides: await ofUser('availability_overrides', 'tutor_id'),
      bookings,
      packages: await db('lesson_packages').where('student_id', userId).orWhere('tutor_id', userId).select('id', 'lessons', 'length_minutes', 'price_minor', 'currency', 'status', 'captured_minor', 'refunded_minor', 'paid_out_minor', 'credits_left', 'expires_at', 'created_at'),
      creditLedger: await db('credit_entries')
        .where('student_id', userId)
        .orWhere('tutor_id', userId)
        .orderBy('id')
        .select('package_id', 'kind', 'credits', 'length_minutes', 'booking_id', 'amount_minor', 'created_at'),
      series: await db('lesson_series').where('student_id', userId).orWhere('tutor_id', userId).select('id', 'length_minutes', 'weeks', 'status', 'time_zone', 'cancel_reason', 'created_at'),
      conversations,
      messages,
      ...(await this.disputesOf(userId)),
      reviewReports: await ofUser('review_reports', 'reporter_id').select('review_id', 'reason', 'created_at'),
      reviewsWritten: await ofUser('reviews', 'student_id').select('id', 'booking_id', 'rating', 'text', 'reply', 'hidden_at', 'created_at', 'updated_at'),
      reviewsReceived: await ofUser('reviews', 'tutor_id').select('id', 'booking_id', 'rating', 'text', 'reply', 'replied_at', 'hidden_at', 'created_at'),
      files: await ofUser('files', 'owner_id').select('id', 'purpose', 'content_type', 'declared_size as size', 'original_filename', 'status', 'created_at'),
      verificationDocuments: await ofUser('verification_documents', 'tutor_id').select('id', 'kind', 'status', 'decision_reason', 'created_at'),
      signInSessions: await ofUser('auth_sessions').select('id', 'method', 'created_at', 'refreshed_at', 'expires_at', 'revoked_at', 'revoked_reason'),
      notifications: await ofUser('notifications').select('kind', 'title', 'body', 'created_at', 'read_at'),
      notificationPreferences: await ofUser('notification_preferences').select('kind', 'in_app', 'email'),
      calendarLink: (await ofUser('google_calendar_links').select('calendar_id', 'connected_at').first()) ?? null,
    };
  }

  /**
   * Disputes the person reported (as the student: their reason, text and the admin's decision) and
   * disputes about lessons they taught (as the tutor: the same, since the report is about them).
   */
  private async disputesOf(userId: string) {
    const select = (column: 'student_id' | 'tutor_id') =>
      this.db('booking_disputes')
        .where(column, userId)
        .orderBy('opened_at')
        .select('booking_id', 'reason', 'text', 'attachment_file_id', 'opened_at', 'refund_minor', 'decision_reason', 'decided_at');
    return { disputesReported: await select('student_id'), disputesAboutYourLessons: await select('tutor_id') };
  }

  /** Live bookings, ended ones whose money is not settled, live series and unused package credits. */
  async deletionBlockers(userId: string, trx?: Knex.Transaction): Promise<DeletionBlocker[]> {
    const db = trx ?? this.db;
    const bookings = await db('bookings')
      .where((where) => where.where('student_id', userId).orWhere('tutor_id', userId))
      .where((where) =>
        where
          .whereIn('status', [...LIVE_STATUSES])
          .orWhere((ended) => ended.where('status', 'ENDED').where((money) => money.whereNotNull('attention_reason').orWhere((paid) => paid.whereIn('payment_status', ['captured', 'partially_refunded']).where('paid_out_minor', 0)))),
      )
      .select('id', 'status')
      .orderBy('session_start');
    const series = await db('lesson_series').where((where) => where.where('student_id', userId).orWhere('tutor_id', userId)).where('status', 'active').select('id', 'status');
    const packages = await db('lesson_packages').where((where) => where.where('student_id', userId).orWhere('tutor_id', userId)).where('status', 'active').where('credits_left', '>', 0).select('id', 'status');
    return [
      ...bookings.map((row: { id: string; status: string }) => ({ kind: LIVE_STATUSES.includes(row.status as never) ? ('open_booking' as const) : ('unsettled_booking' as const), id: row.id, status: row.status })),
      ...series.map((row: { id: string; status: string }) => ({ kind: 'active_series' as const, id: row.id, status: row.status })),
      ...packages.map((row: { id: string; status: string }) => ({ kind: 'package_credits' as const, id: row.id, status: row.status })),
    ];
  }

  async lockUser(userId: string, trx: Knex.Transaction): Promise<{ id: string; status: string } | undefined> {
    return trx('users').where({ id: userId }).forUpdate().first('id', 'status');
  }

  async exportObjectKeys(userId: string, trx?: Knex.Transaction): Promise<string[]> {
    const rows = await (trx ?? this.db)('data_exports').where({ user_id: userId }).whereNotNull('object_key').select('object_key');
    return rows.map((row: { object_key: string }) => row.object_key);
  }

  /**
   * Erases the person's data in place (the rule is in the README, "Deleting an account"): identity
   * and profile text, sent messages' text, written reviews' text and replies, files and their
   * objects' rows, calendar link, notifications, exports, pending sign-in tokens, the text of
   * disputes they reported and of review reports they filed, a series' cancellation reason.
   * Bookings, their events and their amounts (a dispute's refund too), packages and the credit
   * ledger, and the Stripe ids the ledgers need, stay. Answers the objects to remove from storage.
   */
  async erase(userId: string, at: Date, trx: Knex.Transaction): Promise<OwnedObjects> {
    const { email } = await trx('users').where({ id: userId }).first('email');
    // Emails to the old address, sent or not: their params name the person and their lessons.
    await trx('email_outbox').where({ recipient_email: email }).delete();
    await trx('users').where({ id: userId }).update({
      email: `deleted-${userId}@deleted.invalid`,
      display_name: 'Deleted user',
      password_hash: null,
      google_sub: null,
      email_verified_at: null,
      status: 'deleted',
      status_reason: null,
      status_changed_at: at,
      status_changed_by: userId,
      disabled_at: at,
      deleted_at: at,
      updated_at: at,
    });
    await trx('tutor_profiles').where({ user_id: userId }).update({ headline: '', bio: '', published: false, avatar_file_id: null, updated_at: at });
    await trx('student_profiles').where({ user_id: userId }).update({ avatar_file_id: null });
    await trx('messages').where({ sender_id: userId }).update({ body: '', attachment_file_id: null });
    await trx('reviews').where({ student_id: userId }).update({ text: '', updated_at: at });
    await trx('reviews').where({ tutor_id: userId }).whereNotNull('reply').update({ reply: '', updated_at: at });
    // A dispute's reason is a closed code and its decision (refund, admin's reason) an accounting record; the text is the student's own words.
    await trx('booking_disputes').where({ student_id: userId }).update({ text: '' });
    // The report stays a record for the moderators (its check wants a reason); the words go.
    await trx('review_reports').where({ reporter_id: userId }).update({ reason: ERASED });
    // Either party (or an admin on their behalf) wrote it, about this person's lessons.
    await trx('lesson_series').where((where) => where.where('student_id', userId).orWhere('tutor_id', userId)).whereNotNull('cancel_reason').update({ cancel_reason: ERASED });
    // The sessions stay (revoked, swept by the clean-up); the hash of their browser and network goes now.
    await trx('auth_sessions').where({ user_id: userId }).whereNotNull('device_fingerprint').update({ device_fingerprint: null });
    await trx('google_calendar_links').where({ user_id: userId }).delete();
    await trx('email_tokens').where({ user_id: userId }).delete();
    await trx('user_presence').where({ user_id: userId }).delete();
    await trx('notifications').where({ user_id: userId }).delete();
    await trx('notification_preferences').where({ user_id: userId }).delete();
    const objectKeys = await this.exportObjectKeys(userId, trx);
    await trx('data_exports').where({ user_id: userId }).delete();
    const files = await trx('files').where({ owner_id: userId }).select('id', 'object_key', 'ready_key');
    await trx('files').whereIn('id', files.map((file: { id: string }) => file.id)).delete();
    return {
      fileIds: files.map((file: { id: string }) => file.id),
      objectKeys: [...objectKeys, ...files.flatMap((file: { object_key: string; ready_key: string | null }) => [file.object_key, ...(file.ready_key ? [file.ready_key] : [])])],
    };
  }
}
