import { z } from 'zod';
import { SERIES_STATUSES, SERIES_WEEK_STATUSES, TAKEN_REASONS } from '../../../domain/series.js';
import { CALENDAR_MESSAGE, isWithinCalendar } from '../../../domain/safe-input.js';

const instant = z.iso.datetime({ offset: true }).describe('An ISO 8601 instant, e.g. 2026-12-01T15:00:00Z');
const uuid = z.uuid();

export const SeriesIdParams = z.object({ id: uuid.describe('The series id') });

export const CreateSeriesBody = z
  .strictObject({
    tutorId: uuid,
    start: instant.refine(isWithinCalendar, CALENDAR_MESSAGE).describe('The first lesson; the others follow weekly at the same time of day in the tutor’s time zone'),
    lengthMinutes: z.number().int().min(15).max(240),
    weeks: z.number().int().min(2).max(104).describe('How many weeks (at most SERIES_MAX_WEEKS)'),
    paymentMethodId: z.string().min(3).max(255).describe('A saved card of the student: each week is authorized on it, without you present, a few days before its lesson'),
  })
  .meta({ id: 'CreateSeriesRequest' });

export const SkipWeekBody = z.strictObject({ week: z.number().int().min(0).max(103).describe('The week to skip, from 0') }).meta({ id: 'SkipSeriesWeekRequest' });

export const CancelSeriesBody = z.strictObject({ reason: z.string().trim().min(1).max(500) }).meta({ id: 'CancelSeriesRequest' });

export const SeriesWeekSchema = z
  .object({
    week: z.number().int().describe('From 0'),
    sessionStart: instant,
    sessionEnd: instant,
    status: z.enum(SERIES_WEEK_STATUSES).describe('upcoming: not booked yet; booked: its lesson is a booking (bookingId); taken: it could not be booked (reason); skipped; cancelled'),
    bookingId: uuid.nullable(),
    bookingStatus: z.string().nullable().describe('The booked week’s booking status now (e.g. REQUESTED, SCHEDULED, DECLINED): the tutor answers each week'),
    reason: z.enum(TAKEN_REASONS).nullable().describe('Why a taken week could not be booked'),
    detail: z.string().nullable(),
  })
  .meta({ id: 'SeriesWeek' });

const seriesFields = {
  id: uuid,
  studentId: uuid,
  tutorId: uuid,
  lengthMinutes: z.number().int(),
  timeZone: z.string().describe('The tutor’s zone: the weeks keep its time of day'),
  status: z.enum(SERIES_STATUSES),
  cancelledAt: instant.nullable(),
  cancelReason: z.string().nullable(),
  createdAt: instant,
};

export const SeriesSchema = z.object({ ...seriesFields, weeks: z.array(SeriesWeekSchema) }).meta({ id: 'LessonSeries' });
export const SeriesListSchema = z.object({ items: z.array(z.object(seriesFields)) }).meta({ id: 'LessonSeriesList' });
export const SeriesListQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) });

export const SeriesAcceptedSchema = z
  .object({ seriesId: uuid, href: z.string(), detail: z.string() })
  .meta({ id: 'SeriesActionAccepted' });
