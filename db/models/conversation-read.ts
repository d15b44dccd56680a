import { BaseModel } from './base-model.js';

/** How far one participant has read a conversation; it only moves forward. */
export class ConversationRead extends BaseModel {
  static override tableName = 'conversation_reads';
  static override idColumn = ['conversation_id', 'user_id'];

  conversationId!: string;
  userId!: string;
  lastReadSeq!: string;
  lastReadMessageId!: string;
  readAt!: Date;
}
