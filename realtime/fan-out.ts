/**
 * Carries events between realtime instances over Redis pub/sub, so two users on two instances talk
 * as if on one. Every event is delivered locally first and then published with this instance's id
 * (which skips its own copy when it comes back), so while Redis is away each instance still serves
 * its own connections; cross-instance delivery resumes when Redis returns, and clients catch up on
 * what they missed from REST.
 *
 * Channels: one per user with connections (messages, read receipts, typing), one for presence
 * changes, and the system channels of domain/events.ts (availability, revoked sessions, and
 * notifications, which other processes — the booking worker, the API — publish and every instance
 * delivers to its own connections of the user).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CHANNELS } from '../domain/events.js';
import { wsFanOutLag } from '../integrations/telemetry/metrics.js';
import type { Hub } from './hub.js';
import { AVAILABILITY_CHANGE_REASONS, type PresenceView, type ServerEvent } from './protocol/server-events.js';
import { NotificationSchema } from '../services/notifications/views.js';

const PREFIX = 'tutorflow:rt:';
export const PRESENCE_CHANNEL = `${PREFIX}presence`;
const userChannel = (userId: string) => `${PREFIX}user:${userId}`;

interface UserEnvelope {
  origin: string;
  /** Date.now() at publish, for the fan-out lag metric (older instances leave it out). */
  sentAt?: number;
  except?: string;
  event: ServerEvent;
}

interface PresenceEnvelope {
  origin: string;
  sentAt?: number;
  presence: PresenceView;
}

const AvailabilityChangedSchema = z.object({
  tutorId: z.uuid(),
  reason: z.enum(AVAILABILITY_CHANGE_REASONS),
  changedAt: z.iso.datetime({ offset: true }),
});
const SessionRevokedSchema = z.object({ userId: z.string(), sessionId: z.string() });
const NotificationCreatedSchema = z.object({ userId: z.uuid(), notification: NotificationSchema });

function observeLag(sentAt: number | undefined): void {
  if (typeof sentAt === 'number') wsFanOutLag.observe(Math.max(0, Date.now() - sentAt) / 1000);
}

export interface FanOutHandlers {
  sessionRevoked(sessionId: string): void;
}

export class FanOut {
  private readonly channels = new Set<string>([PRESENCE_CHANNEL, CHANNELS.availabilityChanged, CHANNELS.sessionRevoked, CHANNELS.notificationCreated]);
  private synced = false;

  constructor(
    private readonly instanceId: string,
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly hub: Hub,
    private readonly handlers: FanOutHandlers,
    private readonly log: Logger,
  ) {
    subscriber.on('message', (channel: string, payload: string) => this.receive(channel, payload));
    // ioredis resubscribes what it knew of after a reconnect; channels added while Redis was away
    // never reached it, so every reconnect subscribes the whole wanted set again.
    subscriber.on('ready', () => void this.resync());
    subscriber.on('close', () => (this.synced = false));
  }

  /** True once every wanted channel is subscribed on a live connection (tests wait for it after an outage). */
  get connected(): boolean {
    return this.synced && this.subscriber.status === 'ready' && this.publisher.status === 'ready';
  }

  async start(): Promise<void> {
    if (this.subscriber.status === 'ready') await this.resync();
  }

  /** Receive what other instances send this user; resolves once subscribed (or at once while Redis is away). */
  async addUser(userId: string): Promise<void> {
    const channel = userChannel(userId);
    this.channels.add(channel);
    await this.subscriber.subscribe(channel).catch((error: unknown) => this.log.warn({ err: error, channel }, 'subscribe failed; will resubscribe when Redis is back'));
  }

  async removeUser(userId: string): Promise<void> {
    const channel = userChannel(userId);
    this.channels.delete(channel);
    await this.subscriber.unsubscribe(channel).catch(() => undefined);
  }

  /** To every connection of the user, on every instance, except one (the sender's own). */
  toUser(userId: string, event: ServerEvent, exceptConnectionId?: string): void {
    this.hub.deliverToUser(userId, event, exceptConnectionId);
    const envelope: UserEnvelope = { origin: this.instanceId, sentAt: Date.now(), event, ...(exceptConnectionId ? { except: exceptConnectionId } : {}) };
    this.publish(userChannel(userId), envelope);
  }

  presence(presence: PresenceView): void {
    this.hub.deliverPresence(presence);
    this.publish(PRESENCE_CHANNEL, { origin: this.instanceId, sentAt: Date.now(), presence } satisfies PresenceEnvelope);
  }

  private publish(channel: string, message: unknown): void {
    // Not awaited: with Redis away the command fails at once, and local delivery already happened.
    this.publisher.publish(channel, JSON.stringify(message)).catch((error: unknown) => this.log.debug({ err: error, channel }, 'publish failed'));
  }

  private async resync(): Promise<void> {
    try {
      await this.subscriber.subscribe(...this.channels);
      this.synced = this.subscriber.status === 'ready';
    } catch (error) {
      this.log.warn({ err: error }, 'resubscribe failed');
    }
  }

  private receive(channel: string, payload: string): void {
    try {
      if (channel === CHANNELS.availabilityChanged) {
        const change = AvailabilityChangedSchema.parse(JSON.parse(payload));
        this.hub.deliverToTutorWatchers(change.tutorId, {
          type: 'availability.changed',
          tutorId: change.tutorId,
          reason: change.reason,
          changedAt: new Date(change.changedAt).toISOString(),
        });
      } else if (channel === CHANNELS.notificationCreated) {
        const { userId, notification } = NotificationCreatedSchema.parse(JSON.parse(payload));
        this.hub.deliverToUser(userId, { type: 'notification.new', notification });
      } else if (channel === CHANNELS.sessionRevoked) {
        this.handlers.sessionRevoked(SessionRevokedSchema.parse(JSON.parse(payload)).sessionId);
      } else if (channel === PRESENCE_CHANNEL) {
        const envelope = JSON.parse(payload) as PresenceEnvelope;
        if (envelope.origin === this.instanceId) return;
        observeLag(envelope.sentAt);
        this.hub.deliverPresence(envelope.presence);
      } else if (channel.startsWith(`${PREFIX}user:`)) {
        const envelope = JSON.parse(payload) as UserEnvelope;
        if (envelope.origin === this.instanceId) return;
        observeLag(envelope.sentAt);
        this.hub.deliverToUser(channel.slice(`${PREFIX}user:`.length), envelope.event, envelope.except);
      }
    } catch (error) {
      this.log.warn({ err: error, channel }, 'dropped a malformed pub/sub message');
    }
  }
}
