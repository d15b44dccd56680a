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
   * Inserts the message unless the sender already sent one with this client message id; either way
   * returns the stored message, and whether this call wrote it.
   */
  async insertOnce(message: NewMessage, trx?: Knex.Transaction): Promise<{ message: Message; inserted: boolean }> {
    const db = trx ?? this.db;
    const result = (await db.raw(
      `insert into messages (conversation_id, sender_id, client_message_id, body, masked, attachment_file_id)
       values (?, ?, ?, ?, ?, ?)
       on conflict (sender_id, client_message_id) do nothing
       returning *`,
      [message.conversationId, message.senderId, message.clientMessageId, message.body, message.masked, message.attachmentFileId],
    )) as { rows: Record<string, unknown>[] };
    if (result.rows[0]) return { message: Message.fromDatabaseJson(result.rows[0]), inserted: true };
    const existing = await this.findBySenderAndClientId(message.senderId, message.clientMessageId, trx);
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

  async recordMaskedAttempt(attempt: { messageId: string; conversationId: string; senderId: string; kinds: ContactKind[] }, trx?: Knex.Transaction): Promise<void> {
    await MaskedContactAttempt.query(trx ?? this.db).insert(attempt);
  }

  async maskedAttemptsOf(messageIds: readonly string[], trx?: Knex.Transaction): Promise<MaskedContactAttempt[]> {
    if (messageIds.length === 0) return [];
    return MaskedContactAttempt.query(trx ?? this.db).whereIn('message_id', messageIds);
  }
}
