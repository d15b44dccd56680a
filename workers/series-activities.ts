/**
 * The series activities, wired: a week is booked through the booking service (the API's own rules)
 * and a week's lesson cancelled through the booking's workflow client. The booking worker runs them
 * beside the booking activities, on the same task queue.
 */
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createSeriesActivities } from '../activities/series/activities.js';
import type { SeriesActivities } from '../activities/series/types.js';
import { BookingRepository } from '../db/repositories/booking-repository.js';
import { SeriesRepository } from '../db/repositories/series-repository.js';
import type { Config } from '../domain/config.js';
import type { EmailSender } from '../platform/email/email-sender.js';
import { Notifier } from '../platform/notifications/notifier.js';
import { bookingWorkflowClient, createWeekBookingService } from '../services/series/create-series-services.js';

export function seriesWorkerActivities(deps: { config: Config; db: Knex; redis: Redis; logger: Logger; temporal: Client; emails: EmailSender }): SeriesActivities {
  return createSeriesActivities({
    booker: createWeekBookingService(deps),
    lessons: bookingWorkflowClient(deps),
    series: new SeriesRepository(deps.db),
    bookings: new BookingRepository(deps.db),
    notifier: new Notifier({ db: deps.db, redis: deps.redis, emails: deps.emails, warn: (message, meta) => deps.logger.warn(meta, message) }),
    emails: deps.emails,
  });
}
