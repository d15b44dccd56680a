import { BaseModel } from './base-model.js';

export const CONTACT_KINDS = ['phone', 'email', 'link'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/** A message that carried contact details before the pair's first paid lesson (what kinds, not the text). */
export class MaskedContactAttempt extends BaseModel {
  static override tableName = 'masked_contact_attempts';

  id!: string;
  messageId!: string;
  conversationId!: string;
  senderId!: string;
  kinds!: ContactKind[];
  createdAt!: Date;
}
