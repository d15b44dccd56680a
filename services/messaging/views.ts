/**
 * What the REST API and the realtime protocol show of conversations and messages, as zod schemas:
 * the OpenAPI document and the realtime protocol document are both generated from them.
 */
import { z } from 'zod';
import { ROLES } from '../../db/models/user.js';

export const AttachmentSchema = z
  .object({
    fileId: z.uuid(),
    filename: z.string(),
    contentType: z.string(),
    size: z.number().int().describe('Bytes'),
  })
  .meta({ id: 'MessageAttachment', description: 'Both participants download it through GET /api/files/{fileId}/download' });

export const MessageSchema = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    senderId: z.uuid(),
    clientMessageId: z.string().describe('The id the sender gave the message; unique per sender'),
    text: z.string(),
    masked: z.boolean().describe('True when contact details were hidden (no paid lesson between the two yet)'),
    attachment: AttachmentSchema.nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Message' });

export const ParticipantSchema = z
  .object({ id: z.uuid(), displayName: z.string(), role: z.enum(ROLES) })
  .meta({ id: 'ConversationParticipant' });

export const ConversationSchema = z
  .object({
    id: z.uuid(),
    studentId: z.uuid(),
    tutorId: z.uuid(),
    participant: ParticipantSchema.describe('The other person in the conversation'),
    lastMessage: MessageSchema.nullable(),
    unreadCount: z.number().int().describe("Messages from the other participant after the caller's read pointer"),
    lastReadMessageId: z.uuid().nullable().describe("The caller's read pointer"),
    participantLastReadMessageId: z.uuid().nullable().describe("The other participant's read pointer"),
    lastActivityAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Conversation' });

export const ReadReceiptSchema = z
  .object({
    conversationId: z.uuid(),
    userId: z.uuid().describe('Who read'),
    messageId: z.uuid().describe("The reader's read pointer: every message up to it is read"),
    readAt: z.iso.datetime(),
  })
  .meta({ id: 'ReadReceipt' });

export type AttachmentView = z.infer<typeof AttachmentSchema>;
export type MessageView = z.infer<typeof MessageSchema>;
export type ParticipantView = z.infer<typeof ParticipantSchema>;
export type ConversationView = z.infer<typeof ConversationSchema>;
export type ReadReceipt = z.infer<typeof ReadReceiptSchema>;

export interface Page<T> {
  items: T[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}
