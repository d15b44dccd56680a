import { BaseModel } from './base-model.js';

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** One email to send, exactly once: see db/migrations/0102_email_outbox.ts. */
export class OutboxEmail extends BaseModel {
  static override tableName = 'email_outbox';
  static override jsonAttributes = ['params'];

  id!: string;
  dedupeKey!: string;
  template!: string;
  recipientEmail!: string;
  recipientName!: string | null;
  params!: Record<string, unknown>;
  sensitive!: boolean;
  status!: OutboxStatus;
  attempts!: number;
  nextAttemptAt!: Date;
  claimedAt!: Date | null;
  lastError!: string | null;
  providerMessageId!: string | null;
  sentAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}
