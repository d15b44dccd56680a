/**
 * Everything the API process talks to, built once from the configuration, and closed in reverse
 * order at shutdown. Tests build the same thing against the test stack.
 */
import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import type { Client as StorageClient } from 'minio';
import type { Logger } from 'pino';
import type { Config } from '../domain/config.js';
import { createKnex } from '../db/knex.js';
import { createRedis } from '../integrations/redis.js';
import { createStorageClient } from '../integrations/storage.js';
import { connectTemporal, describeTaskQueuePollers, pingTemporal, type TemporalClient } from '../integrations/temporal.js';
import { HealthService } from '../services/health-service.js';
import { BookingWorkflowClient } from '../workflows/booking/client.js';
import { AccessTokens } from '../services/auth/access-tokens.js';
import { createAuthServices } from '../services/auth/create-auth-services.js';
import { createEmailSender } from '../platform/email/create-email-sender.js';
import { OutboxRelay } from '../platform/email/outbox-relay.js';
import { RateLimiter } from '../api/middleware/rate-limit-store.js';
import { createStripeClient } from '../integrations/stripe.js';
import { createFileService } from '../services/files/create-file-service.js';
import { createPaymentServices } from '../services/payments/payment-services.js';
import { createProfileServices } from '../services/profiles/profile-services.js';
import { createAvailabilityServices } from '../services/availability/create-availability-services.js';
import { createTutorSearchService } from '../services/search/search-services.js';
import { MessagingService } from '../services/messaging/messaging-service.js';
import { BookingService } from '../services/bookings/booking-service.js';
import { DisputeService } from '../services/bookings/dispute-service.js';
import { BookingDisputeRepository } from '../db/repositories/booking-dispute-repository.js';
import { createCalendarLinkService } from '../services/calendar-links/create-calendar-link-service.js';
import { registerBookingStripeEvents } from '../services/bookings/stripe-booking-events.js';
import { BookingRepository } from '../db/repositories/booking-repository.js';
import { ReviewRepository } from '../db/repositories/review-repository.js';
import { ReviewService } from '../services/reviews/review-service.js';
import { PackageRepository } from '../db/repositories/package-repository.js';
import { PackageService } from '../services/packages/package-service.js';
import { LessonFunding } from '../services/packages/lesson-funding.js';
import { PackageWorkflowClient } from '../workflows/package/client.js';
import { createAdminUserService } from '../services/admin/admin-user-service.js';
import { createPrivacyService } from '../services/privacy/privacy-service.js';
import { TutorProfileRepository } from '../db/repositories/tutor-profile-repository.js';
import { FileRepository } from '../db/repositories/file-repository.js';
import { UserRepository } from '../db/repositories/user-repository.js';
import { createNotificationService } from '../services/notifications/create-notification-service.js';
import type { AppDependencies } from '../api/app.js';
import { buildProtocolDocument } from '../realtime/protocol/document.js';
import { createSeriesService } from '../services/series/create-series-services.js';
import { createMoneyServices } from '../services/earnings/create-money-services.js';

export interface ApiResources {
  db: Knex;
  redis: Redis;
  storage: StorageClient;
  temporal: TemporalClient;
}

export interface ApiContainer {
  resources: ApiResources;
  app: AppDependencies;
  close(): Promise<void>;
}

const PROBE_TIMEOUT_MS = 2_000;

export async function createApiContainer(config: Config, logger: Logger): Promise<ApiContainer> {
  const db = createKnex(config.database);
  const redis = createRedis(config.redis.url, 'api');
  // Errors are reported by the health probes and the callers; this only keeps them out of stderr noise.
  redis.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
  const storage = createStorageClient(config.storage);
  const temporal = await connectTemporal(config.temporal);
  const tokens = new AccessTokens(config.secretKey, config.auth.accessTokenTtlMs);
  const emails = createEmailSender(config, db, logger);
  const emailRelay = new OutboxRelay(emails, logger, config.email.retryIntervalMs);
  emailRelay.start();
  const auth = createAuthServices({ config, db, redis, logger, tokens, emails });
  const files = createFileService(db, storage, config);
  const profiles = createProfileServices(db, files);
  const stripe = createStripeClient(config.stripe);
  const payments = createPaymentServices(db, stripe, config);
  const money = createMoneyServices(db, stripe, payments);
  const availability = createAvailabilityServices(db, redis, logger);
  const tutorSearch = createTutorSearchService(db, availability.schedules);
  const messaging = new MessagingService(db);
  const bookingRepository = new BookingRepository(db);
  registerBookingStripeEvents(payments.webhooks, temporal.client, bookingRepository);
  const bookings = new BookingService({
    config,
    workflows: new BookingWorkflowClient(temporal.client, { taskQueue: config.temporal.taskQueue, updateTimeoutMs: config.booking.updateTimeoutMs }),
    bookings: bookingRepository,
    tutors: new TutorProfileRepository(db),
    users: new UserRepository(db),
    paymentMethods: payments.paymentMethods,
    funding: new LessonFunding(new PackageRepository(db)),
    schedules: {
      scheduleAround: async (tutorId, startMs) =>
        (await availability.schedules.load([tutorId], { from: startMs - 86_400_000, to: startMs + 86_400_000 })).get(tutorId),
    },
  });
  const notifications = createNotificationService(db, redis, emails, logger);
  const disputes = new DisputeService({
    bookings,
    workflows: new BookingWorkflowClient(temporal.client, { taskQueue: config.temporal.taskQueue, updateTimeoutMs: config.booking.updateTimeoutMs }),
    disputes: new BookingDisputeRepository(db),
    files: new FileRepository(db),
    users: new UserRepository(db),
  });
  const reviews = new ReviewService({ config, reviews: new ReviewRepository(db), bookings: bookingRepository, notifications });
  const packages = new PackageService({
    config,
    packages: new PackageRepository(db),
    tutors: new TutorProfileRepository(db),
    workflows: new PackageWorkflowClient(temporal.client, { taskQueue: config.temporal.taskQueue, updateTimeoutMs: config.booking.updateTimeoutMs }),
    paymentMethods: payments.paymentMethods,
  });
  const adminUsers = createAdminUserService(db, auth.sessions, emails);
  const privacy = createPrivacyService({ config, db, storage, stripe: createStripeClient(config.stripe), temporal: temporal.client, sessions: auth.sessions, logger });
  const calendarLinks = createCalendarLinkService({ config, db, redis, logger });
  const series = createSeriesService({ config, db, redis, logger, temporal: temporal.client });
  // Both participants of a conversation may download what was sent in it.
  files.addReadRule('message_attachment', (file, userId) => messaging.canReadAttachment(file.id, userId));
  // A dispute's attachment: the booking's tutor and admins may read it too.
  files.addReadRule('message_attachment', (file, userId) => disputes.canReadAttachment(file.id, userId));

  const health = new HealthService(
    {
      postgres: async () => {
        await db.raw('select 1');
      },
      redis: async () => {
        await redis.ping();
      },
      temporal: () => pingTemporal(temporal.connection, PROBE_TIMEOUT_MS),
      objectStorage: async () => {
        if (!(await storage.bucketExists(config.storage.bucket))) {
          throw new Error(`bucket ${config.storage.bucket} does not exist`);
        }
      },
    },
    PROBE_TIMEOUT_MS,
    {
      taskQueue: config.temporal.taskQueue,
      probe: () => describeTaskQueuePollers(temporal.connection, config.temporal.namespace, config.temporal.taskQueue, PROBE_TIMEOUT_MS),
    },
  );

  return {
    resources: { db, redis, storage, temporal },
    app: { config, logger, health, tokens, auth, sessions: auth.sessions, rateLimiter: new RateLimiter(redis, logger.child({ component: 'rate-limits' })), files, profiles, payments, availability, tutorSearch, messaging, bookings, disputes, reviews, packages, adminUsers, privacy, calendarLinks, series, money, notifications, realtimeProtocol: () => buildProtocolDocument({ serverUrl: config.http.publicBaseUrl }) },
    async close() {
      await emailRelay.stop();
      await emails.idle();
      await temporal.connection.close();
      redis.disconnect();
      await db.destroy();
    },
  };
}

