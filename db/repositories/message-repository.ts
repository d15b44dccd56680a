import type { Knex } from 'knex';
import { MaskedContactAttempt, type ContactKind } from '../models/masked-contact-attempt.js';
import { Message } from '../models/message.js';

export interface NewMessage {
  conversationId: string;
  senderId: string;
  clientMessageId: string;
  body: string;
  masked: boolean;
  attachmentFileId: string | null;
}

/** Every query on messages and on the record of masked contact details. */
export class MessageRepository {
  constructor(private readonly db: Knex) {}

  async findById(id: string, trx?: Knex.Transaction): Promise<Message | undefined> {
    return Message.query(trx ?? this.db).findById(id);
  }

  async findBySenderAndClientId(senderId: string, clientMessageId: string, trx?: Knex.Transaction): Promise<Message | undefined> {
    return Message.query(trx ?? this.db).findOne({ sender_id: senderId, client_message_id: clientMessageId });
  }

  /**
   * Stores the message unless the sender already sent one with this client message id, and with it
   * (only when it was inserted) the record of masked contact `kinds` and the conversation's last
   * activity. One statement, so one round trip and atomic without a transaction: a message send
   * holds a pooled connection for one query, not for BEGIN … COMMIT. Either way returns the stored
   * message, and whether this call wrote it.
   */
  async insertOnce(message: NewMessage, maskedKinds: readonly ContactKind[] = []): Promise<{ message: Message; inserted: boolean }> {
    const result = (await this.db.raw(
      `with inserted as (
         insert into messages (conversation_id, sender_id, client_message_id, body, masked, attachment_file_id)
         values (?, ?, ?, ?, ?, ?)
         on conflict (sender_id, client_message_id) do nothing
         returning *
       ), masked as (
         insert into masked_contact_attempts (message_id, conversation_id, sender_id, kinds)
         select id, conversation_id, sender_id, ?::text[] from inserted where cardinality(?::text[]) > 0
       ), touched as (
         update conversations set last_activity_at = inserted.created_at
         from inserted where conversations.id = inserted.conversation_id and conversations.last_activity_at < inserted.created_at
       )
       select * from inserted`,
      [message.conversationId, message.senderId, message.clientMessageId, message.body, message.masked, message.attachmentFileId, [...maskedKinds], [...maskedKinds]],
    )) as { rows: Record<string, unknown>[] };
    if (result.rows[0]) return { message: Message.fromDatabaseJson(result.rows[0]), inserted: true };
    const existing = await this.findBySenderAndClientId(message.senderId, message.clientMessageId);
    if (!existing) throw new Error('message vanished right after its insert conflicted');
    return { message: existing, inserted: false };
  }

  /** Newest first; `beforeSeq` excludes that message and everything newer. */
  async pageOfConversation(conversationId: string, page: { limit: number; beforeSeq?: string }, trx?: Knex.Transaction): Promise<Message[]> {
    return Message.query(trx ?? this.db)
      .where('conversation_id', conversationId)
      .modify((builder) => {
        if (page.beforeSeq !== undefined) builder.where('seq', '<', page.beforeSeq);
      })
      .orderBy('seq', 'desc')
      .limit(page.limit);
  }

  /** Whether the file was sent in a conversation the user takes part in. */
  async isAttachedInConversationOf(fileId: string, userId: string, trx?: Knex.Transaction): Promise<boolean> {
    const row = await (trx ?? this.db)('messages as m')
      .join('conversations as c', 'c.id', 'm.conversation_id')
      .where('m.attachment_file_id', fileId)
      .where((builder) => builder.where('c.student_id', userId).orWhere('c.tutor_id', userId))
      .first('m.id');
    return row !== undefined;
  }

  async maskedAttemptsOf(messageIds: readonly string[], trx?: Knex.Transaction): Promise<MaskedContactAttempt[]> {
    if (messageIds.length === 0) return [];
    return MaskedContactAttempt.query(trx ?? this.db).whereIn('message_id', messageIds);
  }
}
