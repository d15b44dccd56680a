/**
 * Events the server sends: JSON text, one per frame, told apart by `type`. The server builds them
 * through these types, and the protocol document describes them from these schemas.
 */
import { z } from 'zod';
import type { AvailabilityChanged as AvailabilityChangedMessage } from '../../domain/events.js';
import { MessageSchema, ReadReceiptSchema } from '../../services/messaging/views.js';
import { NotificationSchema } from '../../services/notifications/views.js';

const ref = z.string().optional().describe('The ref of the client frame this answers');

/** The reasons domain/events.ts names; the type check keeps the two lists together. */
export const AVAILABILITY_CHANGE_REASONS = ['rules', 'overrides', 'settings', 'booking'] as const satisfies readonly AvailabilityChangedMessage['reason'][];

export const PRESENCE_STATUSES = ['online', 'away', 'offline'] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

export const ERROR_CODES = [
  'invalid_frame',
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'unprocessable',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'payment_failed',
  'unavailable',
  'internal',
] as const;

const Ready = z
  .object({
    type: z.literal('ready'),
    connectionId: z.string(),
    userId: z.uuid(),
    tokenExpiresAt: z.iso.datetime().describe('The connection closes with 4001 at this time unless the client reconnects with a fresh token first'),
    heartbeatIntervalMs: z.number().int().describe('The server pings this often; a client that does not answer pongs is dropped'),
  })
  .meta({ description: 'The first event on every connection, once it is authenticated and registered.' });

const Ok = z
  .object({ type: z.literal('ok'), ref, for: z.string().describe('The type of the frame answered') })
  .meta({ description: 'A frame with a ref was carried out (message.read, presence.set, presence.unsubscribe, availability.watch/unwatch).' });

const ErrorEvent = z
  .object({
    type: z.literal('error'),
    ref,
    code: z.enum(ERROR_CODES),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ description: 'A frame could not be carried out. The connection stays open.' });

const MessageAck = z
  .object({
    type: z.literal('message.ack'),
    ref,
    clientMessageId: z.string(),
    duplicate: z.boolean().describe('True when the message had been stored before (a resend): nothing new was stored or delivered'),
    message: MessageSchema,
  })
  .meta({ description: 'The message is stored in the database; sent only after the write is committed.' });

const MessageNew = z
  .object({ type: z.literal('message.new'), message: MessageSchema })
  .meta({ description: "A message for the user: from the other participant, or from the user's other connections. Deduplicate by message.id." });

const MessageRead = ReadReceiptSchema.extend({ type: z.literal('message.read') }).meta({
  description: "A participant's read pointer moved (sent to the other participant and to the reader's other connections).",
});

const Typing = z
  .object({
    type: z.literal('typing'),
    conversationId: z.uuid(),
    userId: z.uuid(),
    state: z.enum(['start', 'stop']),
    expiresAt: z.iso.datetime().describe('Hide the indicator after this unless another typing event comes'),
  })
  .meta({ description: 'The other participant is typing, or stopped. A message.new from them also ends it.' });

const PresenceSchema = z
  .object({
    userId: z.uuid(),
    status: z.enum(PRESENCE_STATUSES),
    lastSeenAt: z.iso.datetime().nullable().describe('When the user was last connected; null if never, or while online'),
  })
  .meta({ id: 'Presence' });

const Presence = PresenceSchema.extend({ type: z.literal('presence') }).meta({
  description: 'A followed user came online, went away or went offline (when their last connection closed, or their server died).',
});

const PresenceSnapshot = z
  .object({ type: z.literal('presence.snapshot'), ref, users: z.array(PresenceSchema) })
  .meta({ description: 'Answers presence.subscribe with the current presence of each followed user.' });

const AvailabilityChanged = z
  .object({
    type: z.literal('availability.changed'),
    tutorId: z.uuid(),
    reason: z.enum(AVAILABILITY_CHANGE_REASONS),
    changedAt: z.iso.datetime(),
  })
  .meta({ description: "A watched tutor's bookable time changed: fetch their availability again." });

const NotificationNew = z
  .object({ type: z.literal('notification.new'), notification: NotificationSchema })
  .meta({
    description:
      'A notification was stored for the user (a booking event, a review, a message while offline, …): sent to every connection of theirs, on every instance. Deduplicate by notification.id; after a reconnect, catch up with GET /api/notifications.',
  });

export const SERVER_EVENTS = {
  ready: Ready,
  ok: Ok,
  error: ErrorEvent,
  'message.ack': MessageAck,
  'message.new': MessageNew,
  'message.read': MessageRead,
  typing: Typing,
  presence: Presence,
  'presence.snapshot': PresenceSnapshot,
  'availability.changed': AvailabilityChanged,
  'notification.new': NotificationNew,
} as const;

export type ServerEvent = { [K in keyof typeof SERVER_EVENTS]: z.input<(typeof SERVER_EVENTS)[K]> }[keyof typeof SERVER_EVENTS];
export type ServerEventOf<T extends ServerEvent['type']> = Extract<ServerEvent, { type: T }>;
export type PresenceView = z.infer<typeof PresenceSchema>;
export type ErrorCode = (typeof ERROR_CODES)[number];
