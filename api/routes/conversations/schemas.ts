import { z } from 'zod';
import { ConversationSchema, MessageSchema } from '../../../services/messaging/views.js';

export { ConversationSchema, MessageSchema };

export const OpenConversationBodySchema = z.object({
  participantId: z.uuid().describe('The other person: a tutor when you are a student, a student when you are a tutor'),
});

export const ConversationParamsSchema = z.object({ id: z.uuid() });

const limit = z.coerce.number().int().min(1).max(100).default(20).describe('Page size (1–100)');

export const ConversationListQuerySchema = z.object({
  limit,
  before: z.uuid().optional().describe('The nextCursor of the previous page'),
});

export const MessageHistoryQuerySchema = z.object({
  limit,
  before: z
    .uuid()
    .optional()
    .describe('A message id (the nextCursor of the previous page): the page holds the messages older than it'),
});

export const ConversationPageSchema = z
  .object({ items: z.array(ConversationSchema), nextCursor: z.uuid().nullable() })
  .meta({ id: 'ConversationPage' });

export const MessagePageSchema = z
  .object({
    items: z.array(MessageSchema).describe('Newest first'),
    nextCursor: z.uuid().nullable().describe('Pass as before for older messages; null when there are none'),
  })
  .meta({ id: 'MessagePage' });
