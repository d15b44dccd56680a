/** Listens on the availability-changed channel of a real Redis, for tests to assert what was published. */
import { Redis } from 'ioredis';
import { type AvailabilityChanged, CHANNELS } from '../../../domain/events.js';

export class AvailabilityEventLog {
  readonly events: AvailabilityChanged[] = [];
  private readonly subscriber: Redis;

  private constructor(url: string) {
    this.subscriber = new Redis(url, { connectionName: 'tutorflow:test-availability-events' });
    this.subscriber.on('message', (_channel: string, message: string) => this.events.push(JSON.parse(message) as AvailabilityChanged));
  }

  static async listen(url: string): Promise<AvailabilityEventLog> {
    const log = new AvailabilityEventLog(url);
    await log.subscriber.subscribe(CHANNELS.availabilityChanged);
    return log;
  }

  /** The tutor's events; waits (a few seconds at most) until `count` have arrived. */
  async forTutor(tutorId: string, count: number): Promise<AvailabilityChanged[]> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const matching = this.events.filter((event) => event.tutorId === tutorId);
      if (matching.length >= count || Date.now() > deadline) return matching;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.subscriber.disconnect();
  }
}
