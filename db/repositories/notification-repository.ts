/**
 * Every query on notifications, notification preferences and what a notification needs to know of
 * its recipients (language, own time zone). Inserts are keyed per recipient by dedupe_key, so a
 * retried caller stores nothing twice.
 */
import type { Knex } from 'knex';
import type { ChannelPreferences, Language, NotificationKind } from '../../domain/notifications.js';

export interface NotificationRow {
  id: string;
  userId: string;
  kind: NotificationKind;
  dedupeKey: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  readAt: Date | null;
  createdAt: Date;
}

export type NewNotification = Pick<NotificationRow, 'userId' | 'kind' | 'dedupeKey' | 'title' | 'body' | 'data'>;

/** Who a notification goes to, with the zone and language their words are written in. */
export interface Recipient {
  id: string;
  email: string;
  displayName: string;
  role: string;
  language: Language;
  /** The zone of their tutor or student profile, else their account's. */
  timeZone: string;
}

interface DbRow {
  id: string;
  user_id: string;
  kind: NotificationKind;
  dedupe_key: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  read_at: Date | null;
  created_at: Date;
}

const toRow = (row: DbRow): NotificationRow => ({
  id: row.id,
  userId: row.user_id,
  kind: row.kind,
  dedupeKey: row.dedupe_key,
  title: row.title,
  body: row.body,
  data: row.data,
  readAt: row.read_at,
  createdAt: row.created_at,
});

export class NotificationRepository {
  constructor(private readonly db: Knex) {}

  /**
   * Stores each notification unless its recipient already has one with the same key; returns the
   * row of every key, new or old (`created` tells them apart), so a retry learns what stands.
   */
  async insert(notifications: readonly NewNotification[], trx?: Knex.Transaction): Promise<{ row: NotificationRow; created: boolean }[]> {
    if (notifications.length === 0) return [];
    const db = trx ?? this.db;
    // Millisecond timestamps: keyset cursors carry a JavaScript Date, which has no microseconds.
    const at = new Date();
    const inserted: DbRow[] = await db('notifications')
      .insert(notifications.map((n) => ({ user_id: n.userId, kind: n.kind, dedupe_key: n.dedupeKey, title: n.title, body: n.body, data: JSON.stringify(n.data), created_at: at })))
      .onConflict(['user_id', 'dedupe_key'])
      .ignore()
      .returning('*');
    const createdIds = new Set(inserted.map((row) => row.id));
    const all: DbRow[] = await db('notifications')
      .whereIn(['user_id', 'dedupe_key'], notifications.map((n) => [n.userId, n.dedupeKey]));
    return all.map((row) => ({ row: toRow(row), created: createdIds.has(row.id) }));
  }

  async findForUser(userId: string, id: string): Promise<NotificationRow | undefined> {
    const row: DbRow | undefined = await this.db('notifications').where({ id, user_id: userId }).first();
    return row && toRow(row);
  }

  /** A person's notifications, newest first, after the keyset position `before` (created_at, id). */
  async list(userId: string, options: { limit: number; unreadOnly: boolean; before?: { at: Date; id: string } | undefined }): Promise<NotificationRow[]> {
    const query = this.db('notifications')
      .where('user_id', userId)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    if (options.unreadOnly) query.whereNull('read_at');
    if (options.before) query.whereRaw('(created_at, id) < (?, ?)', [options.before.at, options.before.id]);
    return ((await query) as DbRow[]).map(toRow);
  }

  /** Marks it read (once: a second call keeps the first time); undefined when it is not the person's. */
  async markRead(userId: string, id: string): Promise<NotificationRow | undefined> {
    const [row]: DbRow[] = await this.db('notifications')
      .where({ id, user_id: userId })
      .update({ read_at: this.db.raw('coalesce(read_at, now())') })
      .returning('*');
    return row && toRow(row);
  }

  /** Marks every unread notification of the person read; returns how many were. */
  async markAllRead(userId: string): Promise<number> {
    return this.db('notifications').where('user_id', userId).whereNull('read_at').update({ read_at: this.db.fn.now() });
  }

  async unreadCount(userId: string): Promise<number> {
    const [{ count }] = (await this.db('notifications').where('user_id', userId).whereNull('read_at').count({ count: '*' })) as [{ count: string | number }];
    return Number(count);
  }

  /** The preferences each of these people changed, by person and kind. */
  async preferences(userIds: readonly string[]): Promise<Map<string, Map<string, ChannelPreferences>>> {
    const byUser = new Map<string, Map<string, ChannelPreferences>>();
    if (userIds.length === 0) return byUser;
    const rows: { user_id: string; kind: string; in_app: boolean; email: boolean }[] = await this.db('notification_preferences').whereIn('user_id', userIds);
    for (const row of rows) {
      let kinds = byUser.get(row.user_id);
      if (!kinds) byUser.set(row.user_id, (kinds = new Map()));
      kinds.set(row.kind, { inApp: row.in_app, email: row.email });
    }
    return byUser;
  }

  async savePreferences(userId: string, preferences: readonly ({ kind: string } & ChannelPreferences)[], trx?: Knex.Transaction): Promise<void> {
    if (preferences.length === 0) return;
    await (trx ?? this.db)('notification_preferences')
      .insert(preferences.map((p) => ({ user_id: userId, kind: p.kind, in_app: p.inApp, email: p.email, updated_at: new Date() })))
      .onConflict(['user_id', 'kind'])
      .merge(['in_app', 'email', 'updated_at']);
  }

  async setLanguage(userId: string, language: Language, trx?: Knex.Transaction): Promise<void> {
    await (trx ?? this.db)('users').where('id', userId).update({ language, updated_at: new Date() });
  }

  async recipients(userIds: readonly string[]): Promise<Recipient[]> {
    if (userIds.length === 0) return [];
    const rows: { id: string; email: string; display_name: string; role: string; language: Language; time_zone: string }[] = await this.db('users as u')
      .leftJoin('tutor_profiles as tp', 'tp.user_id', 'u.id')
      .leftJoin('student_profiles as sp', 'sp.user_id', 'u.id')
      .whereIn('u.id', userIds)
      .select('u.id', 'u.email', 'u.display_name', 'u.role', 'u.language', this.db.raw('coalesce(tp.time_zone, sp.time_zone, u.time_zone) as time_zone'));
    return rows.map((row) => ({ id: row.id, email: row.email, displayName: row.display_name, role: row.role, language: row.language, timeZone: row.time_zone }));
  }
}
