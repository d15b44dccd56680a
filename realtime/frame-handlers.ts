/**
 * What each client event does. Messaging rules and access checks live in the messaging service;
 * this only turns frames into service calls and results into events for the right connections.
 */
import type { Logger } from 'pino';
import type { MessagingService } from '../services/messaging/messaging-service.js';
import type { NotificationService } from '../services/notifications/notification-service.js';
import type { Connection } from './connection.js';
import type { FanOut } from './fan-out.js';
import type { Hub } from './hub.js';
import type { PresenceTracker } from './presence.js';
import type { ClientFrame, ClientFrameOf } from './protocol/client-events.js';
import type { TypingThrottle } from './typing-throttle.js';
import { AppError } from '../domain/errors.js';
import { wsMessageSendDuration } from '../integrations/telemetry/metrics.js';

/** Limits per connection, so one client cannot make the server track unbounded sets. */
export const MAX_WATCHED_TUTORS = 100;
export const MAX_FOLLOWED_USERS = 500;

export interface FrameContext {
  messaging: MessagingService;
  /** Tells a recipient with no connection anywhere that a message waits; absent: nobody is told. */
  notifications?: Pick<NotificationService, 'messageWhileOffline'> | undefined;
  hub: Hub;
  fanOut: FanOut;
  presence: PresenceTracker;
  typing: TypingThrottle;
  /** How long a forwarded typing indicator shows without a newer one. */
  typingTtlMs: number;
  log: Logger;
}

const actorOf = (connection: Connection) => ({ userId: connection.userId, role: connection.identity.role });

function ok(connection: Connection, frame: ClientFrame): void {
  if (frame.ref !== undefined) connection.send({ type: 'ok', ref: frame.ref, for: frame.type });
}

const seconds = (from: number) => (performance.now() - from) / 1000;

async function sendMessage(context: FrameContext, connection: Connection, frame: ClientFrameOf<'message.send'>, receivedAt: number): Promise<void> {
  const began = performance.now();
  wsMessageSendDuration.observe({ stage: 'queued' }, seconds(receivedAt));
  const sent = await context.messaging.send(actorOf(connection), frame);
  wsMessageSendDuration.observe({ stage: 'stored' }, seconds(began));
  // Only now, with the row committed, does the sender learn the message is safe.
  connection.send({
    type: 'message.ack',
    ...(frame.ref !== undefined ? { ref: frame.ref } : {}),
    clientMessageId: frame.clientMessageId,
    duplicate: sent.duplicate,
    message: sent.message,
  });
  if (sent.duplicate) return;
  context.typing.reset(connection.userId, sent.message.conversationId);
  context.fanOut.toUser(sent.recipientId, { type: 'message.new', message: sent.message });
  context.fanOut.toUser(connection.userId, { type: 'message.new', message: sent.message }, connection.id);
  wsMessageSendDuration.observe({ stage: 'delivered' }, seconds(receivedAt));
  // After the ack and the deliveries, inside this connection's frame queue, so a sender's messages are told in order.
  if (context.notifications) await tellIfOffline(context, context.notifications, sent.recipientId, connection.userId, sent.message);
}

/** A notification is for someone who is not here to get message.new: no connection online or away anywhere. */
async function tellIfOffline(
  context: FrameContext,
  notifications: NonNullable<FrameContext['notifications']>,
  recipientId: string,
  senderId: string,
  message: { id: string; conversationId: string },
): Promise<void> {
  try {
    const [recipient] = await context.presence.snapshot([recipientId]);
    if (recipient?.status !== 'offline') return;
    await notifications.messageWhileOffline({ recipientId, senderId, conversationId: message.conversationId, messageId: message.id, recipientLastSeenAt: recipient.lastSeenAt });
  } catch (error) {
    // The message is stored and acknowledged: a missed notification must not turn into an error frame.
    context.log.warn({ err: error, recipientId }, 'offline-message notification failed');
  }
}

async function markRead(context: FrameContext, connection: Connection, frame: ClientFrameOf<'message.read'>): Promise<void> {
  const { receipt, moved, recipientId } = await context.messaging.markRead(actorOf(connection), frame.conversationId, frame.messageId);
  if (moved) {
    context.fanOut.toUser(recipientId, { type: 'message.read', ...receipt });
    context.fanOut.toUser(connection.userId, { type: 'message.read', ...receipt }, connection.id);
  }
  ok(connection, frame);
}

async function typing(context: FrameContext, connection: Connection, frame: ClientFrameOf<'typing'>): Promise<void> {
  let recipientId = connection.counterparts.get(frame.conversationId);
  if (!recipientId) {
    recipientId = await context.messaging.counterpart(actorOf(connection), frame.conversationId);
    connection.counterparts.set(frame.conversationId, recipientId);
  }
  if (!context.typing.shouldForward(connection.userId, frame.conversationId, frame.state)) return;
  context.fanOut.toUser(recipientId, {
    type: 'typing',
    conversationId: frame.conversationId,
    userId: connection.userId,
    state: frame.state,
    expiresAt: new Date(Date.now() + context.typingTtlMs).toISOString(),
  });
}

async function setPresence(context: FrameContext, connection: Connection, frame: ClientFrameOf<'presence.set'>): Promise<void> {
  const previous = connection.status;
  connection.status = frame.status;
  await context.presence.statusChanged(connection, previous);
  ok(connection, frame);
}

async function subscribePresence(context: FrameContext, connection: Connection, frame: ClientFrameOf<'presence.subscribe'>): Promise<void> {
  const visible = await context.messaging.visiblePresence(actorOf(connection), frame.userIds);
  const added = visible.filter((userId) => !connection.followedUsers.has(userId));
  if (connection.followedUsers.size + added.length > MAX_FOLLOWED_USERS) {
    throw AppError.invalidInput(`A connection follows at most ${MAX_FOLLOWED_USERS} users; unsubscribe some first`);
  }
  // Followed before the snapshot is taken, so a change in between is sent rather than lost.
  for (const userId of visible) context.hub.follow(connection, userId);
  const users = await context.presence.snapshot(visible);
  connection.send({ type: 'presence.snapshot', ...(frame.ref !== undefined ? { ref: frame.ref } : {}), users });
}

async function watchAvailability(context: FrameContext, connection: Connection, frame: ClientFrameOf<'availability.watch'>): Promise<void> {
  if (!connection.watchedTutors.has(frame.tutorId) && connection.watchedTutors.size >= MAX_WATCHED_TUTORS) {
    throw AppError.invalidInput(`A connection watches at most ${MAX_WATCHED_TUTORS} tutors; unwatch some first`);
  }
  await context.messaging.requireTutor(frame.tutorId);
  context.hub.watchTutor(connection, frame.tutorId);
  ok(connection, frame);
}

/** `receivedAt`: performance.now() when the frame arrived (before it waited in the connection's queue). */
export async function handleFrame(context: FrameContext, connection: Connection, frame: ClientFrame, receivedAt = performance.now()): Promise<void> {
  switch (frame.type) {
    case 'message.send':
      return sendMessage(context, connection, frame, receivedAt);
    case 'message.read':
      return markRead(context, connection, frame);
    case 'typing':
      return typing(context, connection, frame);
    case 'presence.set':
      return setPresence(context, connection, frame);
    case 'presence.subscribe':
      return subscribePresence(context, connection, frame);
    case 'presence.unsubscribe':
      for (const userId of frame.userIds) context.hub.unfollow(connection, userId);
      return ok(connection, frame);
    case 'availability.watch':
      return watchAvailability(context, connection, frame);
    case 'availability.unwatch':
      context.hub.unwatchTutor(connection, frame.tutorId);
      return ok(connection, frame);
  }
}
