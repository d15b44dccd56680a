import type { Knex } from 'knex';
import { ConversationRead } from '../models/conversation-read.js';

/** Every query on the participants' read pointers. */
export class ConversationReadRepository {
  constructor(private readonly db: Knex) {}

  /**
   * Moves the user's pointer to `seq` unless it is already there or further; answers the pointer as
   * it now stands and whether this call moved it.
   */
  async advance(
    pointer: { conversationId: string; userId: string; seq: string; messageId: string; at: Date },
    trx?: Knex.Transaction,
  ): Promise<{ read: ConversationRead; moved: boolean }> {
    const db = trx ?? this.db;
    const result = (await db.raw(
      `insert into conversation_reads (conversation_id, user_id, last_read_seq, last_read_message_id, read_at)
       values (?, ?, ?, ?, ?)
       on conflict (conversation_id, user_id) do update
          set last_read_seq = excluded.last_read_seq, last_read_message_id = excluded.last_read_message_id, read_at = excluded.read_at
        where conversation_reads.last_read_seq < excluded.last_read_seq
       returning *`,
      [pointer.conversationId, pointer.userId, pointer.seq, pointer.messageId, pointer.at],
    )) as { rows: Record<string, unknown>[] };
    if (result.rows[0]) return { read: ConversationRead.fromDatabaseJson(result.rows[0]), moved: true };
    const current = await ConversationRead.query(db).findOne({ conversation_id: pointer.conversationId, user_id: pointer.userId });
    if (!current) throw new Error('read pointer vanished right after its upsert');
    return { read: current, moved: false };
  }

  async findForConversations(conversationIds: readonly string[], trx?: Knex.Transaction): Promise<ConversationRead[]> {
    if (conversationIds.length === 0) return [];
    return ConversationRead.query(trx ?? this.db).whereIn('conversation_id', conversationIds);
  }
}
