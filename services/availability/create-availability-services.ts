/** Builds the availability services: the owner's edits, the slot list and booking check, and the schedule loader search shares. */
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { AvailabilityRepository } from '../../db/repositories/availability-repository.js';
import { BookedTimeRepository } from '../../db/repositories/booked-time-repository.js';
import { AvailabilityEvents } from './availability-events.js';
import { AvailabilityService } from './availability-service.js';
import { ScheduleLoader } from './schedule-loader.js';
import { SlotService } from './slot-service.js';

export interface AvailabilityServices {
  availability: AvailabilityService;
  /** Slot list for clients; `slots.check` is the booking request's availability check. */
  slots: SlotService;
  schedules: ScheduleLoader;
}

export function createAvailabilityServices(db: Knex, redis: Pick<Redis, 'publish'>, logger: Logger): AvailabilityServices {
  const repository = new AvailabilityRepository(db);
  const schedules = new ScheduleLoader(repository, new BookedTimeRepository(db));
  const events = new AvailabilityEvents(redis, logger.child({ component: 'availability' }));
  return {
    availability: new AvailabilityService(db, repository, events),
    slots: new SlotService(schedules),
    schedules,
  };
}
