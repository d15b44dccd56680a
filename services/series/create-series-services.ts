/**
 * Builds the series service (for the API) and the booking service the series worker books weeks
 * through: the same service the API's POST /api/bookings calls, so a week is booked under exactly
 * the rules of a lesson booked by hand.
 */
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BookingRepository } from '../../db/repositories/booking-repository.js';
import { SeriesRepository } from '../../db/repositories/series-repository.js';
import { StudentProfileRepository } from '../../db/repositories/student-profile-repository.js';
import { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import type { Config } from '../../domain/config.js';
import { createStripeClient } from '../../integrations/stripe.js';
import { BookingWorkflowClient } from '../../workflows/booking/client.js';
import { SeriesWorkflowClient } from '../../workflows/series/client.js';
import { createAvailabilityServices } from '../availability/create-availability-services.js';
import { BookingService, type ScheduleSource } from '../bookings/booking-service.js';
import { PaymentMethodsService } from '../payments/payment-methods-service.js';
import { SeriesService } from './series-service.js';

export interface SeriesServiceResources {
  config: Config;
  db: Knex;
  /** Only for availability broadcasts (the demo seed passes a quiet stand-in). */
  redis: Pick<Redis, 'publish'>;
  logger: Logger;
  temporal: Client;
}

/** The tutor's schedule around one start, as the booking service checks a slot against it. */
function scheduleSource({ db, redis, logger }: SeriesServiceResources): ScheduleSource {
  const availability = createAvailabilityServices(db, redis, logger);
  return {
    scheduleAround: async (tutorId, startMs) => (await availability.schedules.load([tutorId], { from: startMs - 86_400_000, to: startMs + 86_400_000 })).get(tutorId),
  };
}

function paymentMethods({ config, db }: SeriesServiceResources): PaymentMethodsService {
  return new PaymentMethodsService(createStripeClient(config.stripe), new StudentProfileRepository(db), new UserRepository(db));
}

export function bookingWorkflowClient({ config, temporal }: SeriesServiceResources): BookingWorkflowClient {
  return new BookingWorkflowClient(temporal, { taskQueue: config.temporal.taskQueue, updateTimeoutMs: config.booking.updateTimeoutMs });
}

/** The booking service as the series worker uses it to book each week. */
export function createWeekBookingService(resources: SeriesServiceResources): BookingService {
  const { config, db } = resources;
  return new BookingService({
    config,
    workflows: bookingWorkflowClient(resources),
    bookings: new BookingRepository(db),
    tutors: new TutorProfileRepository(db),
    users: new UserRepository(db),
    paymentMethods: paymentMethods(resources),
    schedules: scheduleSource(resources),
  });
}

export function createSeriesService(resources: SeriesServiceResources): SeriesService {
  const { config, db, temporal } = resources;
  return new SeriesService({
    config,
    workflows: new SeriesWorkflowClient(temporal, { taskQueue: config.temporal.taskQueue, updateTimeoutMs: config.booking.updateTimeoutMs }),
    series: new SeriesRepository(db),
    tutors: new TutorProfileRepository(db),
    users: new UserRepository(db),
    schedules: scheduleSource(resources),
    paymentMethods: paymentMethods(resources),
  });
}
