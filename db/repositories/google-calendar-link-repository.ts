import type { Knex } from 'knex';
import { GoogleCalendarLink } from '../models/google-calendar-link.js';

/** Every query on google_calendar_links. Tokens arrive and leave sealed: this layer never sees one in the clear. */
export class GoogleCalendarLinkRepository {
  constructor(private readonly db: Knex) {}

  async findByUserIds(userIds: readonly string[], trx?: Knex.Transaction): Promise<GoogleCalendarLink[]> {
    if (userIds.length === 0) return [];
    return GoogleCalendarLink.query(trx ?? this.db).whereIn('user_id', [...new Set(userIds)]);
  }

  /** Connecting again (a new grant, another calendar) replaces the previous link. */
  async upsert(link: { userId: string; refreshTokenEncrypted: string; calendarId?: string }, trx?: Knex.Transaction): Promise<void> {
    const db = trx ?? this.db;
    const row = { user_id: link.userId, refresh_token_encrypted: link.refreshTokenEncrypted, calendar_id: link.calendarId ?? 'primary' };
    await db('google_calendar_links')
      .insert(row)
      .onConflict('user_id')
      .merge({ ...row, connected_at: db.fn.now(), updated_at: db.fn.now() });
  }

  async delete(userId: string, trx?: Knex.Transaction): Promise<void> {
    await GoogleCalendarLink.query(trx ?? this.db).deleteById(userId);
  }

  /** Deletes the link and returns what it held (to revoke its grant), in one statement; undefined when there was none. */
  async remove(userId: string, trx?: Knex.Transaction): Promise<GoogleCalendarLink | undefined> {
    const rows = await GoogleCalendarLink.query(trx ?? this.db).delete().where('user_id', userId).returning('*');
    return (rows as unknown as GoogleCalendarLink[])[0];
  }
}
