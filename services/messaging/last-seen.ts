/**
 * When users were last connected. Realtime servers touch the users they hold on every heartbeat and
 * when a user's last connection closes, so even a crashed server leaves a last-seen time at most
 * one heartbeat old.
 */
import type { Knex } from 'knex';
import { UserPresenceRepository } from '../../db/repositories/user-presence-repository.js';

export class LastSeenService {
  private readonly presence: UserPresenceRepository;

  constructor(db: Knex) {
    this.presence = new UserPresenceRepository(db);
  }

  async touch(userIds: readonly string[], at = new Date()): Promise<void> {
    await this.presence.touch([...new Set(userIds)], at);
  }

  /** Last-seen times by user id; users never seen are absent. */
  async of(userIds: readonly string[]): Promise<Map<string, Date>> {
    const rows = await this.presence.findByUserIds([...new Set(userIds)]);
    return new Map(rows.map((row) => [row.userId, new Date(row.lastSeenAt)]));
  }
}
