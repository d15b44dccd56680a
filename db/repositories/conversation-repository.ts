import type { Knex } from 'knex';
import { Conversation } from '../models/conversation.js';
import { Message } from '../models/message.js';

export interface ConversationSummaryRow {
  conversation: Conversation;
  lastMessage: Message | null;
  unreadCount: number;
}

/** Every query on conversations. Methods take an optional transaction so a service can group writes. */
export class ConversationRepository {
  constructor(private readonly db: Knex) {}

  async findById(id: string, trx?: Knex.Transaction): Promise<Conversation | undefined> {
    return Conversation.query(trx ?? this.db).findById(id);
  }

  async findByIds(ids: readonly string[], trx?: Knex.Transaction): Promise<Conversation[]> {
    if (ids.length === 0) return [];
    return Conversation.query(trx ?? this.db).whereIn('id', ids);
  }

  /** The pair's conversation, created if it does not exist yet; concurrent callers get the same one. */
  async findOrCreate(studentId: string, tutorId: string, trx?: Knex.Transaction): Promise<{ conversation: Conversation; created: boolean }> {
    const db = trx ?? this.db;
    const inserted = (await db.raw(
      `insert into conversations (student_id, tutor_id) values (?, ?)
       on conflict (student_id, tutor_id) do nothing
       returning id`,
      [studentId, tutorId],
    )) as { rows: { id: string }[] };
    const conversation = await Conversation.query(db).findOne({ student_id: studentId, tutor_id: tutorId });
    if (!conversation) throw new Error('conversation vanished right after its upsert');
    return { conversation, created: inserted.rows.length > 0 };
  }

  /** Of `userIds`, those who share a conversation with `userId`. */
  async counterpartsAmong(userId: string, userIds: readonly string[], trx?: Knex.Transaction): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = (await (trx ?? this.db).raw(
      `select tutor_id as id from conversations where student_id = ? and tutor_id = any(?::uuid[])
       union
       select student_id as id from conversations where tutor_id = ? and student_id = any(?::uuid[])`,
      [userId, [...userIds], userId, [...userIds]],
    )) as { rows: { id: string }[] };
    return rows.rows.map((row) => row.id);
  }

  /**
   * A page of the user's conversations, most recent activity first, each with its last message and
   * how many of the other participant's messages the user has not read yet.
   */
  async listForUser(userId: string, page: { limit: number; beforeId?: string }, trx?: Knex.Transaction): Promise<ConversationSummaryRow[]> {
    const db = trx ?? this.db;
    const conversations = await Conversation.query(db)
      .where((builder) => builder.where('student_id', userId).orWhere('tutor_id', userId))
      .modify((builder) => {
        // Compared in SQL against the cursor row itself: timestamptz has microseconds, JS dates do not.
        if (page.beforeId) {
          builder.whereRaw('(last_activity_at, id) < (select c.last_activity_at, c.id from conversations c where c.id = ?)', [page.beforeId]);
        }
      })
      .orderBy([
        { column: 'last_activity_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(page.limit);
    if (conversations.length === 0) return [];

    const ids = conversations.map((conversation) => conversation.id);
    const lastMessages = (await db.raw(
      `select distinct on (conversation_id) id, seq, conversation_id, sender_id, client_message_id, body, masked, attachment_file_id, created_at
         from messages where conversation_id = any(?::uuid[])
        order by conversation_id, seq desc`,
      [ids],
    )) as { rows: Record<string, unknown>[] };
    const unread = (await db.raw(
      `select m.conversation_id, count(*)::int as unread
         from messages m
         left join conversation_reads r on r.conversation_id = m.conversation_id and r.user_id = ?
        where m.conversation_id = any(?::uuid[]) and m.sender_id <> ? and m.seq > coalesce(r.last_read_seq, 0)
        group by m.conversation_id`,
      [userId, ids, userId],
    )) as { rows: { conversation_id: string; unread: number }[] };

    const lastByConversation = new Map(lastMessages.rows.map((row) => [row.conversation_id as string, Message.fromDatabaseJson(row)]));
    const unreadByConversation = new Map(unread.rows.map((row) => [row.conversation_id, row.unread]));
    return conversations.map((conversation) => ({
      conversation,
      lastMessage: lastByConversation.get(conversation.id) ?? null,
      unreadCount: unreadByConversation.get(conversation.id) ?? 0,
    }));
  }
}
