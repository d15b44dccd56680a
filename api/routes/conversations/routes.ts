/**
 * Conversations over REST: open one, list them, and read history. Messages are sent over the
 * WebSocket (see GET /docs/realtime.json); history here is how a client catches up after a
 * reconnect: page newest first until reaching a message it already holds.
 */
import type { MessagingService } from '../../../services/messaging/messaging-service.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import {
  ConversationListQuerySchema,
  ConversationPageSchema,
  ConversationParamsSchema,
  ConversationSchema,
  MessageHistoryQuerySchema,
  MessagePageSchema,
  OpenConversationBodySchema,
} from './schemas.js';

export function conversationRoutes(messaging: MessagingService): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/conversations',
      operationId: 'openConversation',
      summary: 'Open the conversation with a tutor (or, for a tutor, a student)',
      description: 'One conversation per student–tutor pair: answers 201 when this call created it, 200 when it existed.',
      tags: ['conversations'],
      access: 'user',
      body: OpenConversationBodySchema,
      responses: {
        200: { description: 'The existing conversation', schema: ConversationSchema },
        201: { description: 'The conversation, created now', schema: ConversationSchema },
      },
      errors: [403, 404],
      handler: async (ctx, { body }) => {
        const { conversation, created } = await messaging.openConversation(ctx.state.principal!, body.participantId);
        ctx.status = created ? 201 : 200;
        ctx.body = conversation;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/conversations',
      operationId: 'listConversations',
      summary: 'Your conversations, most recent activity first, with the last message and unread count',
      tags: ['conversations'],
      access: 'user',
      query: ConversationListQuerySchema,
      responses: { 200: { description: 'A page of conversations', schema: ConversationPageSchema } },
      handler: async (ctx, { query }) => {
        ctx.body = await messaging.listConversations(ctx.state.principal!, query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/conversations/:id/messages',
      operationId: 'listConversationMessages',
      summary: 'Message history, newest first, paged by a "before" cursor',
      tags: ['conversations'],
      access: 'user',
      params: ConversationParamsSchema,
      query: MessageHistoryQuerySchema,
      responses: { 200: { description: 'A page of messages', schema: MessagePageSchema } },
      errors: [404],
      handler: async (ctx, { params, query }) => {
        ctx.body = await messaging.history(ctx.state.principal!, params.id, query);
      },
    }),
  ];
}
