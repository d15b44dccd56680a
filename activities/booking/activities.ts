/**
 * Every booking activity, built from the clients the worker owns. Tests build the same factories
 * against the test stack, stripe-mock (through the recording proxy) and the local fakes.
 */
import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import { GoogleCalendarLinkRepository } from '../../db/repositories/google-calendar-link-repository.js';
import { BookingPaymentRepository } from '../../db/repositories/booking-payment-repository.js';
import { StudentProfileRepository } from '../../db/repositories/student-profile-repository.js';
import { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import type { Config } from '../../domain/config.js';
import { createGoogleCalendar } from '../../integrations/google-calendar.js';
import { createStripeClient } from '../../integrations/stripe.js';
import { createZoomClient } from '../../integrations/zoom.js';
import { SEAL_PURPOSES, SecretBox } from '../../platform/crypto/secret-box.js';
import type { EmailSender } from '../../platform/email/email-sender.js';
import { createCalendarActivities } from './calendar.js';
import { createMeetingActivities } from './meetings.js';
import { createPaymentActivities } from './payments.js';
import { createRecordActivities } from './records.js';
import type { BookingActivities } from './types.js';

export interface BookingActivityDependencies {
  config: Config;
  db: Knex;
  redis: Redis;
  emails: EmailSender;
}

export function createBookingActivities({ config, db, redis, emails }: BookingActivityDependencies): BookingActivities {
  return {
    ...createRecordActivities({ db, redis, emails, frontendBaseUrl: config.email.frontendBaseUrl }),
    ...createPaymentActivities({
      stripe: createStripeClient(config.stripe),
      users: new UserRepository(db),
      studentProfiles: new StudentProfileRepository(db),
      tutorProfiles: new TutorProfileRepository(db),
      bookingPayments: new BookingPaymentRepository(db),
    }),
    ...createMeetingActivities({ zoom: createZoomClient(config.zoom) }),
    ...createCalendarActivities({
      links: new GoogleCalendarLinkRepository(db),
      calendar: createGoogleCalendar(config.google),
      tokens: new SecretBox(config.secretKey, SEAL_PURPOSES.googleRefreshToken),
    }),
  };
}
