import type { Knex } from 'knex';
import { UserPresence } from '../models/user-presence.js';

/** Every query on last-seen times. */
export class UserPresenceRepository {
  constructor(private readonly db: Knex) {}

  /** Records that these users were connected at `at` (never moves a time backwards). */
  async touch(userIds: readonly string[], at: Date, trx?: Knex.Transaction): Promise<void> {
    if (userIds.length === 0) return;
    await (trx ?? this.db).raw(
      `insert into user_presence (user_id, last_seen_at)
       select id, ? from unnest(?::uuid[]) as id
       on conflict (user_id) do update set last_seen_at = greatest(user_presence.last_seen_at, excluded.last_seen_at)`,
      [at, [...userIds]],
    );
  }

  async findByUserIds(userIds: readonly string[], trx?: Knex.Transaction): Promise<UserPresence[]> {
    if (userIds.length === 0) return [];
    return UserPresence.query(trx ?? this.db).whereIn('user_id', userIds);
  }
}
