/**
 * The people of the development demo: an admin, a student and four tutors spread over time zones,
 * currencies and ways of working, so search, slots, request/accept, instant booking and payouts can
 * all be tried at once. Passwords are fixed and readable on purpose: `npm run dev` prints them, and
 * the seed refuses to run outside ENVIRONMENT=development.
 */
import type { CancellationPolicy } from '../../domain/cancellation-policy.js';
import type { SchedulingSettings } from '../../domain/availability/scheduling.js';
import type { WeeklyRule } from '../../domain/availability/weekly-rules.js';
import type { Language } from '../../domain/notifications.js';

export interface DemoAccount {
  email: string;
  password: string;
  displayName: string;
  timeZone: string;
  /** Of their emails and notifications; English when absent. */
  language?: Language;
}

export interface DemoTutor extends DemoAccount {
  /** One line for the banner: what this tutor is there to show. */
  shows: string;
  profile: {
    headline: string;
    bio: string;
    hourlyRateMinor: number;
    currency: string;
    lessonLengths: number[];
    instantBooking: boolean;
    cancellationPolicy: CancellationPolicy;
    subjects: string[];
    languages: string[];
  };
  verified: boolean;
  rules: WeeklyRule[];
  settings: SchedulingSettings;
  /**
   * 'enabled': a Connect account that can receive payouts (as if onboarding finished);
   * 'pending': an account whose onboarding is not finished; 'none': payouts never set up.
   */
  payouts: 'enabled' | 'pending' | 'none';
}

const TUTOR_PASSWORD = 'demo-tutor-2026';
const hours = (from: number, to: number) => ({ startMinute: from * 60, endMinute: to * 60 });
const weekdays = (days: number[], ...spans: { startMinute: number; endMinute: number }[]): WeeklyRule[] =>
  days.flatMap((weekday) => spans.map((span) => ({ weekday, ...span })));

export const DEMO_ADMIN: DemoAccount = {
  email: 'admin@tutorflow.test',
  password: 'demo-admin-2026',
  displayName: 'Ada Admin',
  timeZone: 'Europe/London',
};

export const DEMO_STUDENT: DemoAccount = {
  email: 'student@tutorflow.test',
  password: 'demo-student-2026',
  displayName: 'Sam Student',
  timeZone: 'Europe/Paris',
};

/** stripe-mock accepts Stripe's test card tokens; this one is attached to the demo student. */
export const DEMO_CARD = 'pm_card_visa';

/** The demo student's weekly series: with Lena (she answers requests), an hour a week. */
export const DEMO_SERIES = { tutorEmail: 'lena@tutorflow.test', lengthMinutes: 60, weeks: 6 } as const;

/**
 * Lesson packages and a free trial, offered by the instant-booking tutor (the quickest to try: buy a
 * package with the demo card, then book with `payWith: "credit"`; or book the trial with `payWith: "trial"`).
 */
export const DEMO_PACKAGES = {
  tutorEmail: 'rio@tutorflow.test',
  offers: [
    { lessons: 5, lengthMinutes: 60, discountPercent: 10 },
    { lessons: 10, lengthMinutes: 30, discountPercent: 15 },
  ],
  trial: { lengthMinutes: 30, priceMinor: 0 },
} as const;

/**
 * The reviewed tutor: lessons that ended (and were paid out) before the demo began, each reviewed by
 * a past student, one review answered by the tutor, so her rating, the public reviews and the
 * moderation list have something to show. The reviewers cannot sign in (no password).
 */
export const DEMO_REVIEWS = {
  tutorEmail: 'lena@tutorflow.test',
  lengthMinutes: 60,
  reviews: [
    { reviewer: 'Priya Raman', daysAgo: 2, rating: 5, text: 'Lena prepared me for the Goethe B2 exam in six weeks. Clear, patient and always on time.', reply: 'Thank you, Priya! Good luck with the exam, you are ready.' },
    { reviewer: 'Tom Becker', daysAgo: 3, rating: 4, text: 'Great conversation practice. I would have liked a bit more homework.', reply: null },
    { reviewer: 'Ana Souza', daysAgo: 5, rating: 5, text: 'The grammar finally makes sense. Highly recommended for expats in Berlin.', reply: null },
    { reviewer: 'Mei Chen', daysAgo: 8, rating: 3, text: 'Good teacher, but our lesson started ten minutes late.', reply: null },
  ],
} as const;

export const DEMO_TUTORS: DemoTutor[] = [
  {
    email: 'lena@tutorflow.test',
    password: TUTOR_PASSWORD,
    displayName: 'Lena Fischer',
    timeZone: 'Europe/Berlin',
    shows: 'requests to accept or decline, EUR, payouts enabled; four reviews (one answered)',
    profile: {
      headline: 'German and English for exams and everyday life',
      bio: 'Certified language teacher from Berlin. Ten years of IELTS and Goethe exam preparation, conversation practice for expats, and grammar without tears.',
      hourlyRateMinor: 4_500,
      currency: 'EUR',
      lessonLengths: [30, 60, 90],
      instantBooking: false,
      cancellationPolicy: 'moderate',
      subjects: ['languages.german', 'languages.english', 'test-prep.ielts'],
      languages: ['de', 'en'],
    },
    verified: true,
    rules: weekdays([1, 2, 3, 4, 5], hours(9, 12), hours(14, 18)),
    settings: { bufferMinutes: 10, minimumNoticeMinutes: 120, bookingHorizonDays: 60, slotStepMinutes: 30 },
    payouts: 'enabled',
  },
  {
    email: 'marcus@tutorflow.test',
    password: TUTOR_PASSWORD,
    displayName: 'Marcus Johnson',
    timeZone: 'America/New_York',
    shows: 'USD, evening and weekend hours, strict policy, payouts onboarding unfinished',
    profile: {
      headline: 'Algebra, calculus and SAT math that finally clicks',
      bio: 'Former high-school math teacher in Brooklyn. I explain every step twice and make sure you can do it alone before we move on.',
      hourlyRateMinor: 6_000,
      currency: 'USD',
      lessonLengths: [45, 60],
      instantBooking: false,
      cancellationPolicy: 'strict',
      subjects: ['math.algebra', 'math.calculus', 'test-prep.sat'],
      languages: ['en', 'es'],
    },
    verified: true,
    rules: [...weekdays([1, 2, 3, 4], hours(16, 21)), ...weekdays([6], hours(10, 14))],
    settings: { bufferMinutes: 15, minimumNoticeMinutes: 720, bookingHorizonDays: 45, slotStepMinutes: 15 },
    payouts: 'pending',
  },
  {
    email: 'yuki@tutorflow.test',
    password: TUTOR_PASSWORD,
    displayName: 'Yuki Tanaka',
    timeZone: 'Asia/Tokyo',
    shows: 'USD, Tokyo mornings and evenings, no payouts set up, not verified',
    profile: {
      headline: 'Japanese for beginners, and piano at any level',
      bio: 'Tokyo-based teacher of Japanese as a foreign language and classically trained pianist. Lessons in Japanese or English.',
      hourlyRateMinor: 3_800,
      currency: 'USD',
      lessonLengths: [30, 60],
      instantBooking: false,
      cancellationPolicy: 'flexible',
      subjects: ['languages.japanese', 'music.piano'],
      languages: ['ja', 'en'],
    },
    verified: false,
    rules: [...weekdays([1, 2, 3, 4, 5, 6], hours(7, 10)), ...weekdays([1, 3, 5], hours(19, 22))],
    settings: { bufferMinutes: 0, minimumNoticeMinutes: 240, bookingHorizonDays: 30, slotStepMinutes: 30 },
    payouts: 'none',
  },
  {
    email: 'rio@tutorflow.test',
    password: TUTOR_PASSWORD,
    displayName: 'Rio Alves',
    timeZone: 'Europe/Berlin',
    // The quickest demo's tutor reads German, so the first booking tried shows an email (and notification) in German, on Berlin's clock.
    language: 'de',
    shows: 'instant booking, available round the clock with 5 minutes notice: the quickest demo; lesson packages and a free 30-minute trial; reads his emails in German (Europe/Berlin)',
    profile: {
      headline: 'Python and JavaScript, pair-programming style',
      bio: 'Software engineer who loves teaching. Bring your own project or start from zero; short lessons are fine, we learn by writing code together.',
      hourlyRateMinor: 3_000,
      currency: 'EUR',
      lessonLengths: [15, 30, 60],
      instantBooking: true,
      cancellationPolicy: 'flexible',
      subjects: ['programming.python', 'programming.javascript', 'programming.web'],
      languages: ['de', 'en', 'pt'],
    },
    verified: true,
    rules: weekdays([0, 1, 2, 3, 4, 5, 6], hours(0, 24)),
    settings: { bufferMinutes: 0, minimumNoticeMinutes: 5, bookingHorizonDays: 14, slotStepMinutes: 15 },
    payouts: 'enabled',
  },
];
