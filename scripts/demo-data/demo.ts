/**
 * The development demo data (see demo-people.ts), written through the same services the API uses,
 * so it obeys every rule a real sign-up and profile edit would.
 *
 * Idempotent: each piece (account, profile, weekly rules, settings, Stripe customer, Connect account)
 * is created only when it is missing, so a second run changes nothing, and whatever a developer
 * changed by hand (a password, a profile, the rules) is never overwritten.
 */
import { randomUUID } from 'node:crypto';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Principal } from '../../domain/principal.js';
import type { Config } from '../../domain/config.js';
import type { StripeClient } from '../../integrations/stripe.js';
import { createStorageClient } from '../../integrations/storage.js';
import { PasswordHasher } from '../../services/auth/password-hasher.js';
import { createAvailabilityServices } from '../../services/availability/create-availability-services.js';
import { createFileService } from '../../services/files/create-file-service.js';
import { createPaymentServices } from '../../services/payments/payment-services.js';
import { createProfileServices } from '../../services/profiles/profile-services.js';
import type { Role } from '../../db/models/user.js';
import { AvailabilityRepository } from '../../db/repositories/availability-repository.js';
import { StudentProfileRepository } from '../../db/repositories/student-profile-repository.js';
import { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import { SeriesRepository } from '../../db/repositories/series-repository.js';
import { bookableStarts } from '../../domain/availability/slots.js';
import { createSeriesService } from '../../services/series/create-series-services.js';
import { PackageRepository } from '../../db/repositories/package-repository.js';
import { packagePrice } from '../../domain/credits.js';
import { ReviewRepository } from '../../db/repositories/review-repository.js';
import { ReviewService } from '../../services/reviews/review-service.js';
import { BookingRepository } from '../../db/repositories/booking-repository.js';
import { DEMO_ADMIN, DEMO_CARD, DEMO_PACKAGES, DEMO_REVIEWS, DEMO_SERIES, DEMO_STUDENT, DEMO_TUTORS, type DemoAccount, type DemoTutor } from './demo-people.js';

export interface DemoSeedDependencies {
  config: Config;
  db: Knex;
  /** Pointed at stripe-mock (through the dev proxy or not): customers and Connect accounts are created there. */
  stripe: StripeClient;
  logger: Logger;
  /** The dev stack's Temporal: the demo series' workflow is started there (no series without it). */
  temporal?: TemporalClient;
}

export interface SeededAccount {
  role: Role;
  email: string;
  password: string;
  displayName: string;
  userId: string;
  /** False when the account existed already (its password may have been changed since). */
  created: boolean;
  note?: string;
}

export interface DemoSeedResult {
  accounts: SeededAccount[];
  /** What this run wrote, one line each; empty when everything was there already. */
  changes: string[];
  /** The payment method id to book with as the demo student. */
  card: string;
}

export class DemoSeedRefused extends Error {
  override name = 'DemoSeedRefused';
}

/** No one is listening before the API starts, and the API reads availability from Postgres anyway. */
const quietAvailabilityEvents = { publish: async () => 0 };

export async function seedDemo(deps: DemoSeedDependencies): Promise<DemoSeedResult> {
  // Fixed, printed passwords must never reach a real deployment.
  if (deps.config.environment !== 'development') {
    throw new DemoSeedRefused(`the demo seed only runs with ENVIRONMENT=development (this is ${deps.config.environment})`);
  }
  const { db, config } = deps;
  const users = new UserRepository(db);
  const tutorProfiles = new TutorProfileRepository(db);
  const studentProfiles = new StudentProfileRepository(db);
  const availabilityRows = new AvailabilityRepository(db);
  const hasher = new PasswordHasher();
  const files = createFileService(db, createStorageClient(config.storage), config);
  const profiles = createProfileServices(db, files);
  const availability = createAvailabilityServices(db, quietAvailabilityEvents, deps.logger).availability;
  const payments = createPaymentServices(db, deps.stripe, config);

  const changes: string[] = [];
  const accounts: SeededAccount[] = [];

  async function account(person: DemoAccount, role: Role): Promise<{ principal: Principal; created: boolean }> {
    const existing = await users.findByEmail(person.email);
    if (existing) {
      if (existing.role !== role) throw new DemoSeedRefused(`${person.email} exists as a ${existing.role}, not a ${role}; rename or remove that account`);
      return { principal: principalOf(existing.id, role), created: false };
    }
    const passwordHash = await hasher.hash(person.password);
    const user = await users.insert({
      email: person.email,
      role,
      displayName: person.displayName,
      timeZone: person.timeZone,
      ...(person.language ? { language: person.language } : {}),
      passwordHash,
      emailVerifiedAt: new Date(),
    });
    changes.push(`${role} ${person.email} created`);
    return { principal: principalOf(user.id, role), created: true };
  }

  const admin = await account(DEMO_ADMIN, 'admin');
  accounts.push({ role: 'admin', ...pick(DEMO_ADMIN), userId: admin.principal.userId, created: admin.created });

  const student = await account(DEMO_STUDENT, 'student');
  await seedStudent(student.principal);
  accounts.push({ role: 'student', ...pick(DEMO_STUDENT), userId: student.principal.userId, created: student.created, note: `book with paymentMethodId ${DEMO_CARD}` });

  for (const tutor of DEMO_TUTORS) {
    const seeded = await account(tutor, 'tutor');
    await seedTutor(seeded.principal, tutor);
    accounts.push({ role: 'tutor', ...pick(tutor), userId: seeded.principal.userId, created: seeded.created, note: tutor.shows });
    if (tutor.email === DEMO_PACKAGES.tutorEmail) await seedPackages(seeded.principal);
    if (tutor.email === DEMO_REVIEWS.tutorEmail) await seedReviews(seeded.principal);
  }
  if (deps.temporal) await seedSeries(student.principal, deps.temporal);
  return { accounts, changes, card: DEMO_CARD };

  /**
   * A weekly series of the demo student's with a tutor who answers requests: its first week becomes
   * a booking as soon as the worker runs (within SERIES_BOOKING_LEAD), the rest week by week.
   */
  async function seedSeries(principal: Principal, temporal: TemporalClient): Promise<void> {
    const series = new SeriesRepository(db);
    if ((await series.listFor(principal.userId, 'student', 1)).length > 0) return;
    const tutor = await users.findByEmail(DEMO_SERIES.tutorEmail);
    if (!tutor) return;
    const resources = { config, db, redis: quietAvailabilityEvents, logger: deps.logger, temporal };
    const now = Date.now();
    const window = { from: now + 86_400_000, to: now + 8 * 86_400_000 };
    const schedule = (await createAvailabilityServices(db, quietAvailabilityEvents, deps.logger).schedules.load([tutor.id], window)).get(tutor.id);
    const [start] = schedule ? bookableStarts(schedule, window, DEMO_SERIES.lengthMinutes, now) : [];
    if (start === undefined) return;
    const { view } = await createSeriesService(resources).create(
      principal,
      { tutorId: tutor.id, start: new Date(start).toISOString(), lengthMinutes: DEMO_SERIES.lengthMinutes, weeks: DEMO_SERIES.weeks, paymentMethodId: DEMO_CARD },
      'demo-series',
    );
    changes.push(`weekly series ${view.series.id} of ${DEMO_STUDENT.email} with ${DEMO_SERIES.tutorEmail} (${DEMO_SERIES.weeks} weeks from ${new Date(start).toISOString()})`);
  }

  /**
   * DEMO_REVIEWS, only when the tutor has no review yet: per reviewer an account that cannot sign in,
   * a lesson that ended days ago and was paid out (a read-model row from before the demo: no
   * workflow runs for it), and the review written through the review service, so the tutor's rating
   * moves as it would; the tutor's reply likewise.
   */
  async function seedReviews(principal: Principal): Promise<void> {
    const reviewRows = new ReviewRepository(db);
    if ((await reviewRows.listPublic(principal.userId, 1)).length > 0) return;
    const profile = (await tutorProfiles.findByUserId(principal.userId))!;
    const reviews = new ReviewService({ config, reviews: reviewRows, bookings: new BookingRepository(db) });
    const priceMinor = Math.round((profile.hourlyRateMinor * DEMO_REVIEWS.lengthMinutes) / 60);
    const paidOutMinor = priceMinor - Math.round((priceMinor * config.booking.commissionBps) / 10_000);
    // Oldest lesson first, so the reviews list (newest first) reads as DEMO_REVIEWS does.
    for (const [index, entry] of [...DEMO_REVIEWS.reviews.entries()].reverse()) {
      const email = `reviewer-${index + 1}@tutorflow.test`;
      const reviewer = (await users.findByEmail(email)) ?? (await users.insert({ email, role: 'student', displayName: entry.reviewer, timeZone: profile.timeZone, emailVerifiedAt: new Date() }));
      const end = new Date(Date.now() - entry.daysAgo * 86_400_000);
      end.setUTCMinutes(0, 0, 0);
      const bookingId = randomUUID();
      await db('bookings').insert({
        id: bookingId,
        student_id: reviewer.id,
        tutor_id: principal.userId,
        status: 'ENDED',
        session_start: new Date(end.getTime() - DEMO_REVIEWS.lengthMinutes * 60_000),
        session_end: end,
        blocked_until: end,
        time_zone: profile.timeZone,
        price_minor: priceMinor,
        currency: profile.currency,
        commission_bps: config.booking.commissionBps,
        cancellation_policy: profile.cancellationPolicy,
        request_expires_at: end,
        idempotency_key: `demo-review-${index + 1}`,
        request_hash: 'demo',
        payment_status: 'paid_out',
        captured_minor: priceMinor,
        paid_out_minor: paidOutMinor,
        close_reason: 'a lesson from before the demo',
      });
      const review = await reviews.create(principalOf(reviewer.id, 'student'), bookingId, { rating: entry.rating, text: entry.text });
      if (entry.reply) await reviews.reply(principal, review.id, entry.reply);
    }
    changes.push(`${DEMO_REVIEWS.reviews.length} reviewed past lessons of ${DEMO_REVIEWS.tutorEmail}`);
  }

  /** The package offers and the free trial of DEMO_PACKAGES, each only when the tutor has none. */
  async function seedPackages(principal: Principal): Promise<void> {
    const packages = new PackageRepository(db);
    const profile = (await tutorProfiles.findByUserId(principal.userId))!;
    if ((await packages.listOffers(principal.userId, { includeRetired: true })).length === 0) {
      for (const offer of DEMO_PACKAGES.offers) {
        const discountBps = offer.discountPercent * 100;
        const priceMinor = packagePrice({ hourlyRateMinor: profile.hourlyRateMinor, lengthMinutes: offer.lengthMinutes, lessons: offer.lessons, discountBps });
        await packages.insertOffer({ tutorId: principal.userId, lessons: offer.lessons, lengthMinutes: offer.lengthMinutes, discountBps, priceMinor, currency: profile.currency });
      }
      changes.push(`${DEMO_PACKAGES.offers.length} package offers of ${DEMO_PACKAGES.tutorEmail}`);
    }
    if (!(await packages.findTrialOffer(principal.userId))) {
      await packages.upsertTrialOffer({ tutorId: principal.userId, ...DEMO_PACKAGES.trial, currency: profile.currency });
      changes.push(`a free ${DEMO_PACKAGES.trial.lengthMinutes}-minute trial of ${DEMO_PACKAGES.tutorEmail}`);
    }
  }

  async function seedStudent(principal: Principal): Promise<void> {
    const existing = await studentProfiles.findByUserId(principal.userId);
    if (!existing) {
      await profiles.students.update(principal, { timeZone: DEMO_STUDENT.timeZone });
      changes.push(`student profile of ${DEMO_STUDENT.email}`);
    }
    // The card set-up path makes the student a Stripe customer (and remembers it on the profile);
    // the card itself would come from Stripe Elements, so the test card is attached directly.
    const customerId = existing?.stripeCustomerId ?? (await payments.paymentMethods.createSetupIntent(principal)).customerId;
    // Bookings take only a saved card. The dev stack's Stripe proxy forgets attachments when it
    // stops, so every seed checks the card is still the student's and attaches it again if not.
    const saved = await deps.stripe.customers.retrievePaymentMethod(customerId, DEMO_CARD).then(
      () => true,
      (error: { statusCode?: number }) => (error.statusCode === 404 ? false : Promise.reject(error)),
    );
    if (saved) return;
    await deps.stripe.paymentMethods.attach(DEMO_CARD, { customer: customerId }, { idempotencyKey: `demo-card:${principal.userId}` });
    await deps.stripe.customers.update(
      customerId,
      { invoice_settings: { default_payment_method: DEMO_CARD } },
      { idempotencyKey: `demo-card-default:${principal.userId}` },
    );
    changes.push(`Stripe customer ${customerId} with card ${DEMO_CARD} for ${DEMO_STUDENT.email}`);
  }

  async function seedTutor(principal: Principal, tutor: DemoTutor): Promise<void> {
    if (!(await tutorProfiles.findByUserId(principal.userId))) {
      await profiles.tutors.save(principal, { ...tutor.profile, timeZone: tutor.timeZone, published: true }, 'replace');
      if (tutor.verified) await tutorProfiles.setVerificationStatus(principal.userId, 'verified');
      changes.push(`published profile of ${tutor.email}`);
    }
    if ((await availabilityRows.rulesFor([principal.userId])).length === 0) {
      await availability.replaceWeek(principal, { rules: tutor.rules });
      changes.push(`weekly availability of ${tutor.email} (${tutor.rules.length} spans)`);
    }
    if ((await availabilityRows.settingsFor([principal.userId])).length === 0) {
      await availability.saveSettings(principal, tutor.settings);
      changes.push(`scheduling settings of ${tutor.email}`);
    }
    if (tutor.payouts === 'none' || (await tutorProfiles.findByUserId(principal.userId))?.stripeAccountId) return;
    const { accountId } = await payments.payouts.startOnboarding(principal, {});
    // Onboarding happens on Stripe's pages, which stripe-mock has not; its result, an
    // account.updated webhook, is what this stands in for.
    if (tutor.payouts === 'enabled') await tutorProfiles.setPayoutsEnabledByAccount(accountId, true, new Date());
    changes.push(`Connect account ${accountId} for ${tutor.email} (payouts ${tutor.payouts})`);
  }
}

function principalOf(userId: string, role: Role): Principal {
  return { userId, role, sessionId: 'demo-seed' };
}

function pick(person: DemoAccount): Pick<SeededAccount, 'email' | 'password' | 'displayName'> {
  return { email: person.email, password: person.password, displayName: person.displayName };
}
