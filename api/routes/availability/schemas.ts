import { z } from 'zod';
import { OVERRIDE_KINDS } from '../../../domain/availability/date-overrides.js';
import { isLocalDate } from '../../../domain/availability/local-date.js';
import { CALENDAR_MESSAGE, isWithinCalendar } from '../../../domain/safe-input.js';
import { SCHEDULING_LIMITS, SLOT_STEPS } from '../../../domain/availability/scheduling.js';
import { TimeZoneSchema } from '../../schemas/time-zone.js';
import { parseClockTime } from '../../../domain/availability/weekly-rules.js';
import { MAX_SLOT_RANGE_DAYS } from '../../../services/availability/slot-service.js';

export { TimeZoneSchema };

const LocalDateSchema = z
  .string()
  .refine(isLocalDate, 'expected a calendar date, YYYY-MM-DD')
  .refine((date) => isWithinCalendar(`${date}T00:00:00Z`), CALENDAR_MESSAGE)
  .describe('A calendar date, YYYY-MM-DD');

/** "09:30" in, minutes from midnight on. */
const ClockTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:MM from 00:00 to 24:00')
  .transform((text) => parseClockTime(text)!)
  .describe('Local wall time HH:MM; 24:00 is the end of the day');

const WEEKDAY_DESCRIPTION = '0 = Sunday, 1 = Monday … 6 = Saturday (as JavaScript’s Date#getDay)';

const RuleInputSchema = z.strictObject({
  weekday: z.number().int().min(0).max(6).describe(WEEKDAY_DESCRIPTION),
  start: ClockTimeSchema,
  end: ClockTimeSchema,
});

export const ReplaceWeekSchema = z
  .strictObject({
    timeZone: TimeZoneSchema.optional().describe(
      'The zone the rules are read in. When given, the tutor profile’s zone changes together with the rules; when left out, the profile’s zone stays',
    ),
    rules: z.array(RuleInputSchema).max(100),
  })
  .meta({
    id: 'ReplaceWeeklyAvailability',
    description: 'The whole week: the rules given replace every rule the tutor had. Spans of one weekday may touch but not overlap',
  });

const RuleSchema = z.object({
  weekday: z.number().int().describe(WEEKDAY_DESCRIPTION),
  start: z.string().describe('HH:MM, local wall time'),
  end: z.string().describe('HH:MM, local wall time; 24:00 is the end of the day'),
});

export const WeekSchema = z
  .object({
    timeZone: z.string().nullable().describe('IANA zone the rules are read in (the tutor profile’s); null before the profile exists'),
    rules: z.array(RuleSchema),
  })
  .meta({ id: 'WeeklyAvailability', description: 'A tutor’s regular week, in local wall time of their zone' });

export const NewOverrideSchema = z
  .strictObject({
    date: LocalDateSchema.describe('The tutor’s local date'),
    kind: z.enum(OVERRIDE_KINDS).describe('extra: hours added that day; off: hours (or the whole day) taken away. Time off wins over extra hours'),
    start: ClockTimeSchema.optional(),
    end: ClockTimeSchema.optional(),
  })
  .meta({ id: 'NewAvailabilityOverride', description: 'Extra hours need start and end; time off without them is the whole day' });

export const OverrideSchema = z
  .object({
    id: z.uuid(),
    date: z.string().describe('The tutor’s local date, YYYY-MM-DD'),
    kind: z.enum(OVERRIDE_KINDS),
    start: z.string().nullable().describe('HH:MM; null for a whole day off'),
    end: z.string().nullable().describe('HH:MM; null for a whole day off'),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'AvailabilityOverride' });

export const OverrideListSchema = z.object({ items: z.array(OverrideSchema) }).meta({ id: 'AvailabilityOverrideList' });

export const OverrideRangeQuerySchema = z.object({
  from: LocalDateSchema.optional().describe('First date (default: yesterday, UTC)'),
  to: LocalDateSchema.optional().describe('Last date, included (default: no end)'),
});

export const OverrideIdParamsSchema = z.object({ id: z.uuid().describe('The override’s id') });

const { bufferMinutes, minimumNoticeMinutes, bookingHorizonDays } = SCHEDULING_LIMITS;

export const SchedulingSettingsSchema = z
  .strictObject({
    bufferMinutes: z.number().int().min(bufferMinutes.min).max(bufferMinutes.max).describe('Rest after each lesson before the next may start'),
    minimumNoticeMinutes: z
      .number()
      .int()
      .min(minimumNoticeMinutes.min)
      .max(minimumNoticeMinutes.max)
      .describe('How long before its start a lesson may still be booked'),
    bookingHorizonDays: z.number().int().min(bookingHorizonDays.min).max(bookingHorizonDays.max).describe('How far ahead a lesson may start'),
    slotStepMinutes: z.literal(SLOT_STEPS).describe('Bookable start times are this far apart, from the start of each available span'),
  })
  .meta({ id: 'SchedulingSettings' });

export const TutorIdParamsSchema = z.object({ id: z.uuid().describe('The tutor’s user id') });

export const SlotQuerySchema = z.object({
  from: LocalDateSchema.describe('First date, in the viewer’s zone'),
  to: LocalDateSchema.describe(`Last date, included, in the viewer’s zone; at most ${MAX_SLOT_RANGE_DAYS} days in all`),
  length: z.coerce.number().int().min(1).max(1_440).optional().describe('Lesson length in minutes, one the tutor offers (default: their shortest)'),
  timeZone: TimeZoneSchema.optional().describe('The viewer’s IANA zone (default UTC): the dates are read in it and local times given in it'),
});

export const SlotListSchema = z
  .object({
    tutorId: z.uuid(),
    tutorTimeZone: z.string().describe('The zone the tutor’s availability is set in'),
    timeZone: z.string().describe('The viewer’s zone used for the dates and local times'),
    from: z.string(),
    to: z.string(),
    lengthMinutes: z.number().int(),
    slots: z.array(
      z.object({
        start: z.iso.datetime().describe('UTC instant'),
        end: z.iso.datetime().describe('UTC instant'),
        localStart: z.string().describe('The start on the viewer’s clock, ISO 8601 with offset: 2026-03-29T09:00:00+02:00'),
      }),
    ),
  })
  .meta({ id: 'BookableSlots', description: 'Bookable lesson start times, ascending' });
