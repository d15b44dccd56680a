import { BaseModel } from './base-model.js';

export class Message extends BaseModel {
  static override tableName = 'messages';

  id!: string;
  /** Total order of messages; pagination cursors and read pointers compare it. Comes back from pg as a string. */
  seq!: string;
  conversationId!: string;
  senderId!: string;
  /** The sender's own id for the message, unique per sender: a resend finds the original by it. */
  clientMessageId!: string;
  /** As stored and shown: contact details already masked when they had to be. */
  body!: string;
  masked!: boolean;
  attachmentFileId!: string | null;
  createdAt!: Date;
}
