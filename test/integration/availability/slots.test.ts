import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../domain/availability/local-date.js';
import { formatInZone, offsetAt } from '../../../domain/availability/time-zone.js';
import type { BookingStatus } from '../../../domain/booking-status.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import type { Json } from '../../support/http.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { createTestTutor, insertBooking, send, utcDateFromToday } from './fixtures.js';

let api: RunningApi;
let student: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  student = await createTestUser(api.container.resources.db, api.config, 'student');
});
afterAll(() => api.close());

const call = (method: string, path: string, user: TestUser | undefined, body?: unknown) => send(api.baseUrl, method, path, user, body);
const everyDay = (start: string, end: string) => [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start, end }));

async function tutorWith(options: {
  timeZone: string;
  rules: unknown[];
  settings?: Partial<{ bufferMinutes: number; minimumNoticeMinutes: number; bookingHorizonDays: number; slotStepMinutes: number }>;
  lessonLengths?: number[];
  published?: boolean;
}): Promise<TestUser> {
  const tutor = await createTestTutor(api.container.resources.db, api.config, {
    timeZone: options.timeZone,
    lessonLengths: options.lessonLengths ?? [60],
    published: options.published ?? true,
  });
  expect((await call('PUT', '/api/me/availability/rules', tutor, { rules: options.rules })).status).toBe(200);
  const settings = { bufferMinutes: 0, minimumNoticeMinutes: 0, bookingHorizonDays: 365, slotStepMinutes: 60, ...options.settings };
  expect((await call('PUT', '/api/me/availability/settings', tutor, settings)).status).toBe(200);
  return tutor;
}

const slotsOf = (tutor: TestUser, query: string, viewer?: TestUser) => call('GET', `/api/tutors/${tutor.id}/slots?${query}`, viewer);
const starts = (body: { slots: { start: string }[] }) => body.slots.map((slot) => slot.start);

describe('GET /api/tutors/:id/slots', () => {
  it('lists the starts of the rules, on the viewer’s clock too', async () => {
    const tutor = await tutorWith({ timeZone: 'UTC', rules: everyDay('09:00', '12:00') });
    const day = utcDateFromToday(3);
    const { status, body } = await slotsOf(tutor, `from=${day}&to=${day}&length=60&timeZone=UTC`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ tutorId: tutor.id, tutorTimeZone: 'UTC', timeZone: 'UTC', from: day, to: day, lengthMinutes: 60 });
    expect(body.slots).toEqual(
      ['09:00', '10:00', '11:00'].map((time) => ({
        start: `${day}T${time}:00.000Z`,
        end: new Date(Date.parse(`${day}T${time}:00Z`) + 3_600_000).toISOString(),
        localStart: `${day}T${time}:00+00:00`,
      })),
    );

    // A viewer in Tokyo asks for their own date; the same lessons start at 18:00 there.
    const tokyo = await slotsOf(tutor, `from=${day}&to=${day}&timeZone=Asia/Tokyo`);
    expect(tokyo.status).toBe(200);
    expect(tokyo.body.slots.map((slot: { localStart: string }) => slot.localStart)).toEqual([
      `${day}T18:00:00+09:00`,
      `${day}T19:00:00+09:00`,
      `${day}T20:00:00+09:00`,
    ]);
  });

  it('leaves out live bookings and their buffers, but not cancelled or failed ones', async () => {
    const tutor = await tutorWith({ timeZone: 'UTC', rules: everyDay('09:00', '13:00'), settings: { slotStepMinutes: 15, bufferMinutes: 15 } });
    const day = utcDateFromToday(4);
    const at = (time: string) => new Date(`${day}T${time}:00Z`);
    const book = (start: string, end: string, status: BookingStatus, blockedUntil?: string) =>
      insertBooking(api.container.resources.db, {
        tutorId: tutor.id,
        studentId: student.id,
        start: at(start),
        end: at(end),
        status,
        ...(blockedUntil ? { blockedUntil: at(blockedUntil) } : {}),
      });
    await book('10:00', '11:00', 'SCHEDULED', '11:15');
    await book('12:00', '13:00', 'CANCELLED', '13:15');
    await book('12:00', '13:00', 'DECLINED', '13:15');
    await book('12:00', '13:00', 'PAYMENT_FAILED', '13:15');

    const { body } = await slotsOf(tutor, `from=${day}&to=${day}&length=60`);
    // Before 10:00 a lesson would need to end by 09:45 to leave its own buffer; none fits after 09:00.
    // After it, the booking's buffer holds the tutor until 11:15.
    expect(starts(body)).toEqual(['11:15', '11:30', '11:45', '12:00'].map((time) => `${day}T${time}:00.000Z`));

    await book('11:30', '12:30', 'PENDING_PAYMENT', '12:45');
    expect(starts((await slotsOf(tutor, `from=${day}&to=${day}&length=60`)).body)).toEqual([]);
  });

  it('keeps 09:00 on the tutor’s clock across their next DST change', async () => {
    const zone = 'Europe/Berlin';
    // The next Sunday (at least three days away) on which Berlin's offset changes.
    let sunday = utcDateFromToday(3);
    const offsetOn = (date: string) => offsetAt(zone, Date.parse(`${date}T12:00:00Z`));
    while (new Date(`${sunday}T00:00:00Z`).getUTCDay() !== 0 || offsetOn(sunday) === offsetOn(addDays(sunday, -1))) sunday = addDays(sunday, 1);
    const weekBefore = addDays(sunday, -7);
    const tutor = await tutorWith({ timeZone: zone, rules: [{ weekday: 0, start: '09:00', end: '10:00' }] });

    const { status, body } = await slotsOf(tutor, `from=${weekBefore}&to=${sunday}&timeZone=${zone}`);
    expect(status).toBe(200);
    expect(body.slots.map((slot: { localStart: string }) => slot.localStart.slice(0, 16))).toEqual([`${weekBefore}T09:00`, `${sunday}T09:00`]);
    const [before, after] = body.slots.map((slot: { start: string }) => Date.parse(slot.start));
    const shift = offsetOn(weekBefore) - offsetOn(sunday);
    expect(Math.abs(shift)).toBe(3_600_000);
    expect(after - before).toBe(7 * 86_400_000 + shift);
    expect(body.slots[1].localStart).toBe(formatInZone(zone, after));
  });

  it('honours overrides, notice and horizon', async () => {
    const tutor = await tutorWith({ timeZone: 'UTC', rules: everyDay('09:00', '11:00') });
    const day = utcDateFromToday(5);
    await call('POST', '/api/me/availability/overrides', tutor, { date: day, kind: 'off' });
    await call('POST', '/api/me/availability/overrides', tutor, { date: addDays(day, 1), kind: 'extra', start: '15:00', end: '16:00' });
    const { body } = await slotsOf(tutor, `from=${day}&to=${addDays(day, 1)}`);
    expect(starts(body)).toEqual(['09:00', '10:00', '15:00'].map((time) => `${addDays(day, 1)}T${time}:00.000Z`));

    await call('PUT', '/api/me/availability/settings', tutor, { bufferMinutes: 0, minimumNoticeMinutes: 43_200, bookingHorizonDays: 365, slotStepMinutes: 60 });
    expect(starts((await slotsOf(tutor, `from=${day}&to=${addDays(day, 1)}`)).body)).toEqual([]);

    await call('PUT', '/api/me/availability/settings', tutor, { bufferMinutes: 0, minimumNoticeMinutes: 0, bookingHorizonDays: 2, slotStepMinutes: 60 });
    expect(starts((await slotsOf(tutor, `from=${day}&to=${addDays(day, 1)}`)).body)).toEqual([]);
  });

  it('hides an unpublished tutor from everyone but themselves', async () => {
    const tutor = await tutorWith({ timeZone: 'UTC', rules: everyDay('09:00', '10:00'), published: false });
    const day = utcDateFromToday(3);
    expect((await slotsOf(tutor, `from=${day}&to=${day}`)).status).toBe(404);
    expect((await slotsOf(tutor, `from=${day}&to=${day}`, student)).status).toBe(404);
    const own = await slotsOf(tutor, `from=${day}&to=${day}`, tutor);
    expect(own.status).toBe(200);
    expect(own.body.slots).toHaveLength(1);
    expect((await call('GET', `/api/tutors/${student.id}/slots?from=${day}&to=${day}`, undefined)).status).toBe(404);
  });

  it.each([
    ['a length the tutor does not offer', 'length=45', 'query.length'],
    ['a range longer than 31 days', (day: string) => `to=${addDays(day, 31)}`, 'query.to'],
    ['a range that ends before it starts', (day: string) => `to=${addDays(day, -1)}`, 'query.to'],
    ['an unknown zone', 'timeZone=Atlantis/Capital', 'query.timeZone'],
    ['a date that does not exist', 'to=2027-02-30', 'query.to'],
  ])('answers 400 for %s', async (_case, extra, errorPath) => {
    const tutor = await tutorWith({ timeZone: 'UTC', rules: everyDay('09:00', '10:00'), lessonLengths: [30, 60] });
    const day = utcDateFromToday(3);
    const override = typeof extra === 'function' ? extra(day) : extra;
    const params = new URLSearchParams(`from=${day}&to=${day}`);
    for (const [key, value] of new URLSearchParams(override)) params.set(key, value);
    const { status, body } = await slotsOf(tutor, params.toString());
    expect(status).toBe(400);
    expect(body.errors.map((error: { path: string }) => error.path)).toContain(errorPath);
  });

  it('defaults to the shortest lesson the tutor offers', async () => {
    const tutor = await tutorWith({ timeZone: 'UTC', rules: everyDay('09:00', '10:00'), lessonLengths: [90, 30], settings: { slotStepMinutes: 30 } });
    const day = utcDateFromToday(3);
    const { body } = await slotsOf(tutor, `from=${day}&to=${day}`);
    expect(body.lengthMinutes).toBe(30);
    expect(starts(body)).toEqual([`${day}T09:00:00.000Z`, `${day}T09:30:00.000Z`]);
  });
});

describe('the booking check (SlotService.check)', () => {
  it('agrees with the slot list and gives the hold the booking must store', async () => {
    const tutor = await tutorWith({ timeZone: 'UTC', rules: everyDay('09:00', '12:00'), settings: { bufferMinutes: 10 } });
    const day = utcDateFromToday(6);
    const check = (time: string, length = 60) => api.container.app.availability.slots.check(tutor.id, new Date(`${day}T${time}:00Z`), length);
    expect(await check('10:00')).toEqual({
      verdict: { bookable: true },
      blockedUntil: new Date(`${day}T11:10:00Z`),
      tutorTimeZone: 'UTC',
    });
    expect((await check('10:30')).verdict).toEqual({ bookable: false, reason: 'outside_availability' });
    expect((await check('10:00', 45)).verdict).toEqual({ bookable: false, reason: 'length_not_offered' });
    await insertBooking(api.container.resources.db, {
      tutorId: tutor.id,
      studentId: student.id,
      start: new Date(`${day}T10:00:00Z`),
      end: new Date(`${day}T11:00:00Z`),
      blockedUntil: new Date(`${day}T11:10:00Z`),
      status: 'REQUESTED',
    });
    expect((await check('10:00')).verdict).toEqual({ bookable: false, reason: 'conflict' });
    expect((await check('11:00')).verdict).toEqual({ bookable: false, reason: 'conflict' });
  });
});

describe('the OpenAPI document', () => {
  it('describes the availability and search routes with their schemas and errors', async () => {
    const document = await (await fetch(`${api.baseUrl}/openapi.json`)).json() as Json;
    const operations: [string, string, string[]][] = [
      ['/api/me/availability/rules', 'get', ['401', '403']],
      ['/api/me/availability/rules', 'put', ['400', '401', '403', '404']],
      ['/api/me/availability/overrides', 'get', ['400', '401', '403']],
      ['/api/me/availability/overrides', 'post', ['400', '401', '403', '404']],
      ['/api/me/availability/overrides/{id}', 'delete', ['401', '403', '404']],
      ['/api/me/availability/settings', 'get', ['401', '403']],
      ['/api/me/availability/settings', 'put', ['400', '401', '403', '404']],
      ['/api/tutors/{id}/slots', 'get', ['400', '404']],
      ['/api/tutors', 'get', ['400']],
    ];
    for (const [path, method, errors] of operations) {
      const operation = document.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      for (const status of errors) expect(operation.responses[status], `${method} ${path} ${status}`).toBeDefined();
    }
    expect(document.paths['/api/tutors/{id}/slots'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/BookableSlots',
    });
    expect(document.paths['/api/tutors'].get.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['subject', 'language', 'minPrice', 'maxPrice', 'currency', 'minRating', 'freeFrom', 'freeTo', 'verifiedOnly', 'sort', 'cursor', 'limit']),
    );
    for (const id of ['WeeklyAvailability', 'ReplaceWeeklyAvailability', 'AvailabilityOverride', 'SchedulingSettings', 'TutorSearchPage', 'TutorCard']) {
      expect(document.components.schemas[id], id).toBeDefined();
    }
    expect(document.components.schemas.SchedulingSettings.properties.slotStepMinutes.enum).toEqual([5, 10, 15, 20, 30, 60]);
  });
});
