/**
 * Tells the rest of the system (realtime servers, caches) that a tutor's bookable time changed,
 * over Redis pub/sub. Called after the change has committed. The change is already durable, so a
 * Redis outage must not fail it: the publish is given a short time, and a failure is logged and
 * dropped — listeners that missed it see the new availability on their next read.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type AvailabilityChanged, CHANNELS } from '../../domain/events.js';

const PUBLISH_TIMEOUT_MS = 1_000;

export class AvailabilityEvents {
  constructor(
    private readonly redis: Pick<Redis, 'publish'>,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async changed(tutorId: string, reason: AvailabilityChanged['reason']): Promise<void> {
    const event: AvailabilityChanged = { tutorId, reason, changedAt: this.now().toISOString() };
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.redis.publish(CHANNELS.availabilityChanged, JSON.stringify(event)),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${PUBLISH_TIMEOUT_MS} ms`)), PUBLISH_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      this.logger.warn({ err: error, event }, 'could not publish availability change; continuing');
    } finally {
      clearTimeout(timer);
    }
  }
}
