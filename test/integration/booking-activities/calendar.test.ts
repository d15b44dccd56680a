/**
 * The Google Calendar activities on the real test database (links with sealed refresh tokens) and the
 * Google fake over HTTP through the `googleapis` SDK: one event per party under an id derived from
 * the booking, updated by a retry or a reschedule, removed on cancel; parties without a link skipped.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCalendarActivities, type CalendarActivities } from '../../../activities/booking/calendar.js';
import type { CalendarSyncInput } from '../../../activities/booking/types.js';
import { GoogleCalendarLinkRepository } from '../../../db/repositories/google-calendar-link-repository.js';
import { calendarEventId, GoogleCalendar, GoogleCalendarError } from '../../../integrations/google-calendar.js';
import type { GoogleCalendarFake } from '../../../scripts/fakes/google-calendar.js';
import { startFakes, type RunningFakes } from '../../../scripts/fakes/index.js';
import { SEAL_PURPOSES, SecretBox } from '../../../platform/crypto/secret-box.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { testConfig } from '../../support/harness.js';
import { failureOf, runActivity } from './support.js';

const config = testConfig();
const BOOKING_ID = '0b6f3c1e-8d2a-4c5b-9e7f-1a2b3c4d5e6f';
const STUDENT_TOKEN = '1//student-refresh-token';
const TUTOR_TOKEN = '1//tutor-refresh-token';

let database: TestDatabase;
let fakes: RunningFakes;
let fake: GoogleCalendarFake;
let links: GoogleCalendarLinkRepository;
let activities: CalendarActivities;
let student: TestUser;
let tutor: TestUser;
let unlinked: TestUser;

function lesson(overrides: Partial<CalendarSyncInput> = {}): CalendarSyncInput {
  return {
    bookingId: BOOKING_ID,
    userIds: [student.id, tutor.id, unlinked.id],
    summary: 'Lesson: Algebra',
    description: 'Algebra with Ada, booked on Tutorflow.',
    start: '2031-03-10T15:00:00.000Z',
    end: '2031-03-10T16:00:00.000Z',
    joinUrl: 'https://zoom.fake/j/81000000001',
    ...overrides,
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  fakes = await startFakes();
  fake = fakes.googleCalendar;
  links = new GoogleCalendarLinkRepository(database.db);
  const tokens = new SecretBox(config.secretKey, SEAL_PURPOSES.googleRefreshToken);
  student = await createTestUser(database.db, config, 'student');
  tutor = await createTestUser(database.db, config, 'tutor');
  unlinked = await createTestUser(database.db, config, 'student');
  await links.upsert({ userId: student.id, refreshTokenEncrypted: tokens.seal(STUDENT_TOKEN) });
  await links.upsert({ userId: tutor.id, refreshTokenEncrypted: tokens.seal(TUTOR_TOKEN), calendarId: 'lessons@group.calendar.google.com' });
  activities = createCalendarActivities({
    links,
    tokens,
    calendar: new GoogleCalendar({ ...config.google, apiBase: fakes.env.GOOGLE_API_BASE! }),
  });
});

afterAll(async () => {
  await fakes?.close();
  await database?.drop();
});

beforeEach(() => {
  fake.reset();
});

describe('syncCalendars', () => {
  it("writes the lesson into each linked party's calendar under the booking's event id, and skips the unlinked", async () => {
    await runActivity(activities.syncCalendars, lesson());

    const eventId = calendarEventId(BOOKING_ID);
    expect(eventId).toBe('tf0b6f3c1e8d2a4c5b9e7f1a2b3c4d5e6f');
    expect(fake.events(STUDENT_TOKEN)).toEqual([
      expect.objectContaining({
        id: eventId,
        calendarId: 'primary',
        status: 'confirmed',
        summary: 'Lesson: Algebra',
        location: 'https://zoom.fake/j/81000000001',
        start: { dateTime: '2031-03-10T15:00:00.000Z' },
        end: { dateTime: '2031-03-10T16:00:00.000Z' },
        extendedProperties: { private: { tutorflowBookingId: BOOKING_ID } },
      }),
    ]);
    expect(fake.events(STUDENT_TOKEN)[0]!.description).toContain('Join: https://zoom.fake/j/81000000001');
    expect(fake.events(TUTOR_TOKEN)).toEqual([expect.objectContaining({ id: eventId, calendarId: 'lessons@group.calendar.google.com' })]);
    // The unlinked student has no grant: nothing could be, or was, written for them.
    expect(fake.events(unlinked.id)).toEqual([]);
  });

  it('run again (a retry, or a reschedule) updates the one event instead of adding another', async () => {
    await runActivity(activities.syncCalendars, lesson());
    await runActivity(activities.syncCalendars, lesson({ start: '2031-03-11T09:00:00.000Z', end: '2031-03-11T10:00:00.000Z' }));

    const events = fake.events(STUDENT_TOKEN);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: calendarEventId(BOOKING_ID), sequence: 2, start: { dateTime: '2031-03-11T09:00:00.000Z' } });
  });

  it("skips a party whose grant was revoked, and still writes the other's", async () => {
    fake.revoke(STUDENT_TOKEN);
    await runActivity(activities.syncCalendars, lesson());

    expect(fake.events(STUDENT_TOKEN)).toEqual([]);
    expect(fake.events(TUTOR_TOKEN)).toHaveLength(1);
  });

  it('throws a Google outage as a retryable error, for Temporal to retry', async () => {
    fake.failNext(1, 503);
    const failure = await failureOf(activities.syncCalendars, lesson());
    expect(failure).toBeInstanceOf(GoogleCalendarError);
    expect(failure).toMatchObject({ status: 503, retryable: true });
  });

  it('keeps refresh tokens sealed at rest', async () => {
    const rows = await database.db('google_calendar_links').select('refresh_token_encrypted');
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.refresh_token_encrypted).toMatch(/^v1\./);
      expect(row.refresh_token_encrypted).not.toContain('refresh-token');
    }
  });
});

describe('removeCalendarEvents', () => {
  it('removes the event from each linked calendar; removing again succeeds', async () => {
    await runActivity(activities.syncCalendars, lesson());
    await runActivity(activities.removeCalendarEvents, { bookingId: BOOKING_ID, userIds: [student.id, tutor.id, unlinked.id] });
    await runActivity(activities.removeCalendarEvents, { bookingId: BOOKING_ID, userIds: [student.id, tutor.id, unlinked.id] });

    expect(fake.events(STUDENT_TOKEN)).toEqual([expect.objectContaining({ id: calendarEventId(BOOKING_ID), status: 'cancelled' })]);
    expect(fake.events(TUTOR_TOKEN)).toEqual([expect.objectContaining({ status: 'cancelled' })]);
  });

  it('a sync after a removal brings the same event back', async () => {
    await runActivity(activities.syncCalendars, lesson());
    await runActivity(activities.removeCalendarEvents, { bookingId: BOOKING_ID, userIds: [student.id] });
    await runActivity(activities.syncCalendars, lesson());

    expect(fake.events(STUDENT_TOKEN)).toEqual([expect.objectContaining({ id: calendarEventId(BOOKING_ID), status: 'confirmed', sequence: 2 })]);
  });
});
