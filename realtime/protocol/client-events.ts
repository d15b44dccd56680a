/**
 * Frames a client sends: JSON text, one event per frame, told apart by `type`. A frame that parses
 * as JSON but fails these schemas gets an `error` event (code invalid_frame); the connection stays.
 */
import { z } from 'zod';
import { safeText } from '../../domain/safe-input.js';

// Text of a frame ends in PostgreSQL (messages) or is echoed back: safeText refuses NUL in each.
const ref = safeText()
  .min(1)
  .max(64)
  .optional()
  .describe('Any string of the client; the answer to this frame (ok, error, message.ack, presence.snapshot) carries it back');

const MessageSend = z
  .object({
    type: z.literal('message.send'),
    ref,
    conversationId: z.uuid().optional().describe('The conversation; or give recipientId for a first message'),
    recipientId: z.uuid().optional().describe('The other person (a tutor for a student, a student for a tutor); creates the conversation'),
    clientMessageId: safeText()
      .min(1)
      .max(64)
      .describe('Unique per sender (e.g. a UUID). Resending the same id returns the original ack and stores nothing new'),
    text: safeText().max(4000).default(''),
    attachmentFileId: z.uuid().optional().describe("A 'message_attachment' file you uploaded that is ready"),
  })
  .refine((frame) => (frame.conversationId === undefined) !== (frame.recipientId === undefined), {
    message: 'give exactly one of conversationId and recipientId',
    path: ['conversationId'],
  })
  .meta({ description: 'Send a message. Answered by message.ack once it is stored, or by error.' });

const MessageRead = z
  .object({
    type: z.literal('message.read'),
    ref,
    conversationId: z.uuid(),
    messageId: z.uuid().describe('The newest message read; the read pointer never moves back'),
  })
  .meta({ description: 'Mark the conversation read up to a message. The other participant gets message.read.' });

const Typing = z
  .object({
    type: z.literal('typing'),
    ref,
    conversationId: z.uuid(),
    state: z.enum(['start', 'stop']).default('start'),
  })
  .meta({
    description:
      'The user is typing (send again every couple of seconds while it lasts) or stopped. Forwarded to the other participant at most once per throttle interval; never answered.',
  });

const PresenceSet = z
  .object({ type: z.literal('presence.set'), ref, status: z.enum(['online', 'away']) })
  .meta({ description: "This connection's status (e.g. away when the tab is hidden). A user is online while any connection is online." });

const userIds = z.array(z.uuid()).min(1).max(100);

const PresenceSubscribe = z
  .object({ type: z.literal('presence.subscribe'), ref, userIds })
  .meta({
    description:
      'Follow these users’ presence: answered by presence.snapshot, then presence events as they change. Only tutors and people you have a conversation with are followed; others are left out of the snapshot.',
  });

const PresenceUnsubscribe = z.object({ type: z.literal('presence.unsubscribe'), ref, userIds }).meta({ description: 'Stop following.' });

const AvailabilityWatch = z
  .object({ type: z.literal('availability.watch'), ref, tutorId: z.uuid() })
  .meta({ description: "Be told (availability.changed) whenever this tutor's bookable time changes. Answered by ok, or error not_found." });

const AvailabilityUnwatch = z.object({ type: z.literal('availability.unwatch'), ref, tutorId: z.uuid() }).meta({ description: 'Stop watching.' });

export const CLIENT_EVENTS = {
  'message.send': MessageSend,
  'message.read': MessageRead,
  typing: Typing,
  'presence.set': PresenceSet,
  'presence.subscribe': PresenceSubscribe,
  'presence.unsubscribe': PresenceUnsubscribe,
  'availability.watch': AvailabilityWatch,
  'availability.unwatch': AvailabilityUnwatch,
} as const;

export const ClientFrameSchema = z.discriminatedUnion('type', [
  MessageSend,
  MessageRead,
  Typing,
  PresenceSet,
  PresenceSubscribe,
  PresenceUnsubscribe,
  AvailabilityWatch,
  AvailabilityUnwatch,
]);

export type ClientFrame = z.output<typeof ClientFrameSchema>;
export type ClientFrameOf<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>;
