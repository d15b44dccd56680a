/**
 * Builds the Koa application from its dependencies without listening, so tests drive it through a
 * real HTTP server of their own and the entry point (server.ts) only adds the port and shutdown.
 */
import Router from '@koa/router';
import cors from '@koa/cors';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { Config } from '../domain/config.js';
import type { AppState } from './context.js';
import { problemDetails } from './middleware/problem-details.js';
import { requestContext } from './middleware/request-context.js';
import { httpMetrics } from './metrics.js';
import { bookingIdParam, createdBookingLogContext } from './middleware/booking-log-context.js';
import { securityHeaders } from './middleware/security-headers.js';
import { jsonBody } from './middleware/json-body.js';
import { buildOpenApiDocument } from './openapi.js';
import { findWebAssets, serveWebApp } from './web-assets.js';
import { docsRoutes, docsTrailingSlash } from './routes/docs/routes.js';
import { healthRoutes } from './routes/health/routes.js';
import { authRoutes } from './routes/auth/routes.js';
import { authRateLimits } from './routes/auth/rate-limits.js';
import { meRoutes } from './routes/me/routes.js';
import { rateLimits } from './middleware/rate-limit.js';
import type { RateLimiter } from './middleware/rate-limit-store.js';
import type { AuthServices } from '../services/auth/create-auth-services.js';
import { fileRoutes } from './routes/files/routes.js';
import { paymentRoutes } from './routes/payments/routes.js';
import { profileRoutes } from './routes/profiles/routes.js';
import { subjectRoutes } from './routes/subjects/routes.js';
import { verificationRoutes } from './routes/profiles/verification-routes.js';
import { tutorProfileRoutes } from './routes/tutors/profile-routes.js';
import { webhookRoutes } from './routes/webhooks/routes.js';
import { availabilityRoutes } from './routes/availability/routes.js';
import { tutorSearchRoutes } from './routes/tutor-search/routes.js';
import type { AvailabilityServices } from '../services/availability/create-availability-services.js';
import type { TutorSearchService } from '../services/search/tutor-search-service.js';
import type { FileService } from '../services/files/file-service.js';
import type { PaymentServices } from '../services/payments/payment-services.js';
import type { ProfileServices } from '../services/profiles/profile-services.js';
import { conversationRoutes } from './routes/conversations/routes.js';
import { realtimeDocsRoutes } from './routes/realtime-docs/routes.js';
import type { MessagingService } from '../services/messaging/messaging-service.js';
import { bookingRoutes } from './routes/bookings/routes.js';
import { disputeRoutes } from './routes/bookings/dispute-routes.js';
import type { DisputeService } from '../services/bookings/dispute-service.js';
import type { BookingService } from '../services/bookings/booking-service.js';
import { reviewRoutes } from './routes/reviews/routes.js';
import { adminRoutes } from './routes/admin/routes.js';
import { privacyRoutes } from './routes/me/privacy-routes.js';
import type { ReviewService } from '../services/reviews/review-service.js';
import type { AdminUserService } from '../services/admin/admin-user-service.js';
import type { PrivacyService } from '../services/privacy/privacy-service.js';
import { calendarRoutes } from './routes/calendar/routes.js';
import { packageRoutes } from './routes/packages/routes.js';
import type { PackageService } from '../services/packages/package-service.js';
import { notificationRoutes } from './routes/notifications/routes.js';
import type { NotificationService } from '../services/notifications/notification-service.js';
import type { CalendarLinkService } from '../services/calendar-links/calendar-link-service.js';
import { seriesRoutes } from './routes/series/routes.js';
import { moneyRoutes } from './routes/me/money-routes.js';
import type { MoneyServices } from '../services/earnings/create-money-services.js';
import type { SeriesService } from '../services/series/series-service.js';
import { mountRoutes, ROUTER_OPTIONS, type RouteSpec } from './routing.js';
import { accessGuard } from './middleware/access-guard.js';
import type { SessionCheck } from '../services/auth/session-store.js';
import type { AccessTokens } from '../services/auth/access-tokens.js';
import type { HealthService } from '../services/health-service.js';

export const API_VERSION = '0.1.0';

export interface AppDependencies {
  config: Config;
  logger: Logger;
  health: HealthService;
  tokens: AccessTokens;
  auth: AuthServices;
  rateLimiter: RateLimiter;
  files: FileService;
  profiles: ProfileServices;
  payments: PaymentServices;
  availability: AvailabilityServices;
  tutorSearch: TutorSearchService;
  messaging: MessagingService;
  bookings: BookingService;
  disputes: DisputeService;
  reviews: ReviewService;
  packages: PackageService;
  adminUsers: AdminUserService;
  privacy: PrivacyService;
  calendarLinks: CalendarLinkService;
  series: SeriesService;
  money: MoneyServices;
  notifications: NotificationService;
  sessions?: SessionCheck;
  /** Builds the realtime protocol document served at /docs/realtime.json (realtime/ owns it). */
  realtimeProtocol: () => Record<string, unknown>;
  /** The built web app to serve outside the API's paths; default: web/dist outside development. */
  webAssets?: string;
}

/** Every route of the API, each resource's routes built from the services they call. */
export function collectRoutes(deps: AppDependencies): RouteSpec[] {
  const resourceRoutes: RouteSpec[] = [...healthRoutes(deps.health)];
  resourceRoutes.push(...authRoutes(deps.auth), ...meRoutes(deps.auth.accounts));
  resourceRoutes.push(
    ...tutorProfileRoutes(deps.profiles.tutors),
    ...subjectRoutes(deps.profiles.subjects),
    ...profileRoutes(deps.profiles),
    ...verificationRoutes(deps.profiles.verification),
    ...fileRoutes(deps.files),
    ...paymentRoutes(deps.payments),
    ...webhookRoutes(deps.payments.webhooks),
  );
  resourceRoutes.push(...conversationRoutes(deps.messaging), ...realtimeDocsRoutes(deps.realtimeProtocol));
  resourceRoutes.push(...availabilityRoutes(deps.availability), ...tutorSearchRoutes(deps.tutorSearch));
  resourceRoutes.push(...bookingRoutes(deps.bookings), ...disputeRoutes(deps.disputes));
  resourceRoutes.push(...reviewRoutes(deps.reviews));
  resourceRoutes.push(...packageRoutes(deps.packages));
  resourceRoutes.push(...adminRoutes(deps.adminUsers), ...privacyRoutes(deps.privacy));
  resourceRoutes.push(...calendarRoutes(deps.calendarLinks));
  resourceRoutes.push(...seriesRoutes(deps.series), ...moneyRoutes(deps.money));
  resourceRoutes.push(...notificationRoutes(deps.notifications));
  let document: Record<string, unknown> | undefined;
  const describe = () =>
    (document ??= buildOpenApiDocument([...resourceRoutes, ...docs], {
      title: 'Tutorflow API',
      version: API_VERSION,
      description:
        'Students find tutors, request lessons and pay; tutors accept, teach and are paid out. Errors are RFC 9457 problem documents (application/problem+json).',
      serverUrl: deps.config.http.publicBaseUrl,
    }));
  const docs = docsRoutes(describe);
  return [...resourceRoutes, ...docs];
}

export function buildApp(deps: AppDependencies): Koa<AppState> {
  // Behind one trusted proxy outside development: only the address it appended counts, so a client
  // cannot pick its own rate-limit identity with a forged X-Forwarded-For.
  const app = new Koa<AppState>({ proxy: deps.config.environment !== 'development', maxIpsCount: 1 });
  const router = new Router<AppState>(ROUTER_OPTIONS);
  const routes = collectRoutes(deps);
  mountRoutes(router, routes, accessGuard(deps.tokens, deps.sessions));
  router.param('id', bookingIdParam);

  // Koa would print every error itself; problem-details already logged the ones that matter.
  app.silent = true;
  app.use(requestContext(deps.logger));
  app.use(httpMetrics());
  app.use(createdBookingLogContext());
  app.use(problemDetails());
  const webAssets = deps.webAssets ?? (deps.config.environment === 'development' ? undefined : findWebAssets());
  if (webAssets) app.use(serveWebApp(webAssets, { objectStorageOrigin: deps.config.storage.publicEndpoint ?? deps.config.storage.endpoint }));
  app.use(securityHeaders());
  app.use(docsTrailingSlash());
  app.use(
    cors({
      origin: (ctx) => (deps.config.http.corsOrigins.includes(ctx.get('Origin')) ? ctx.get('Origin') : ''),
      credentials: true,
      exposeHeaders: ['X-Request-Id', 'Retry-After', 'Location'],
    }),
  );
  app.use(rateLimits({ limiter: deps.rateLimiter, tokens: deps.tokens, general: deps.config.rateLimits.general, routes: authRateLimits(deps.config.rateLimits) }));
  const rawBodyPaths = new Set(routes.filter((route) => route.rawBody).map((route) => route.path));
  app.use(jsonBody({ limit: deps.config.http.bodyLimit, rawBodyPaths }));
  app.use(router.routes());
  // Not thrown: the router then sets the Allow header, and problem-details turns the 405 into a problem.
  app.use(router.allowedMethods());
  return app;
}
