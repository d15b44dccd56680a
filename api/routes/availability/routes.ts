/**
 * Availability: a tutor's own week, overrides and settings under /api/me/availability (the caller
 * acts on their own data, so there is no one else's to reach), and the public list of bookable
 * slots of a tutor.
 */
import type { AvailabilityOverride } from '../../../db/models/availability-override.js';
import { formatClockTime } from '../../../domain/availability/weekly-rules.js';
import type { AvailabilityService } from '../../../services/availability/availability-service.js';
import type { SlotService } from '../../../services/availability/slot-service.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import {
  NewOverrideSchema,
  OverrideIdParamsSchema,
  OverrideListSchema,
  OverrideRangeQuerySchema,
  OverrideSchema,
  ReplaceWeekSchema,
  SchedulingSettingsSchema,
  SlotListSchema,
  SlotQuerySchema,
  TutorIdParamsSchema,
  WeekSchema,
} from './schemas.js';

export interface AvailabilityRouteServices {
  availability: AvailabilityService;
  slots: SlotService;
}

const TAGS = ['availability'];
const ME = '/api/me/availability';

export function availabilityRoutes({ availability, slots }: AvailabilityRouteServices): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: `${ME}/rules`,
      operationId: 'getMyWeeklyAvailability',
      summary: 'My regular week',
      tags: TAGS,
      access: 'user',
      responses: { 200: { description: 'The weekly rules and the zone they are read in', schema: WeekSchema } },
      errors: [403],
      handler: async (ctx) => {
        ctx.body = showWeek(await availability.getWeek(ctx.state.principal!));
      },
    }),
    defineRoute({
      method: 'put',
      path: `${ME}/rules`,
      operationId: 'replaceMyWeeklyAvailability',
      summary: 'Replace my regular week',
      description: 'Validated as a whole: one bad rule (end not after start, overlapping another of its weekday) refuses the lot and nothing is written.',
      tags: TAGS,
      access: 'user',
      body: ReplaceWeekSchema,
      responses: { 200: { description: 'The week as stored', schema: WeekSchema } },
      errors: [403, 404],
      handler: async (ctx, { body }) => {
        const rules = body.rules.map((rule) => ({ weekday: rule.weekday, startMinute: rule.start, endMinute: rule.end }));
        ctx.body = showWeek(await availability.replaceWeek(ctx.state.principal!, { timeZone: body.timeZone, rules }));
      },
    }),
    defineRoute({
      method: 'get',
      path: `${ME}/overrides`,
      operationId: 'listMyAvailabilityOverrides',
      summary: 'My date overrides',
      tags: TAGS,
      access: 'user',
      query: OverrideRangeQuerySchema,
      responses: { 200: { description: 'Overrides by date', schema: OverrideListSchema } },
      errors: [403],
      handler: async (ctx, { query }) => {
        const overrides = await availability.listOverrides(ctx.state.principal!, query);
        ctx.body = { items: overrides.map(showOverride) };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${ME}/overrides`,
      operationId: 'addMyAvailabilityOverride',
      summary: 'Add extra hours or time off on a date',
      tags: TAGS,
      access: 'user',
      body: NewOverrideSchema,
      responses: { 201: { description: 'The override as stored', schema: OverrideSchema } },
      errors: [403, 404],
      handler: async (ctx, { body }) => {
        const saved = await availability.addOverride(ctx.state.principal!, {
          date: body.date,
          kind: body.kind,
          startMinute: body.start ?? null,
          endMinute: body.end ?? null,
        });
        ctx.status = 201;
        ctx.body = showOverride(saved);
      },
    }),
    defineRoute({
      method: 'delete',
      path: `${ME}/overrides/:id`,
      operationId: 'deleteMyAvailabilityOverride',
      summary: 'Remove one of my date overrides',
      tags: TAGS,
      access: 'user',
      params: OverrideIdParamsSchema,
      responses: { 204: { description: 'Removed' } },
      errors: [403, 404],
      handler: async (ctx, { params }) => {
        await availability.removeOverride(ctx.state.principal!, params.id);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'get',
      path: `${ME}/settings`,
      operationId: 'getMySchedulingSettings',
      summary: 'My scheduling settings',
      description: 'The defaults until the tutor saves their own.',
      tags: TAGS,
      access: 'user',
      responses: { 200: { description: 'The settings', schema: SchedulingSettingsSchema } },
      errors: [403],
      handler: async (ctx) => {
        ctx.body = await availability.getSettings(ctx.state.principal!);
      },
    }),
    defineRoute({
      method: 'put',
      path: `${ME}/settings`,
      operationId: 'replaceMySchedulingSettings',
      summary: 'Replace my scheduling settings',
      description: 'A new buffer applies to bookings made from now on; existing bookings keep the time they hold.',
      tags: TAGS,
      access: 'user',
      body: SchedulingSettingsSchema,
      responses: { 200: { description: 'The settings as stored', schema: SchedulingSettingsSchema } },
      errors: [403, 404],
      handler: async (ctx, { body }) => {
        ctx.body = await availability.saveSettings(ctx.state.principal!, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/tutors/:id/slots',
      operationId: 'listTutorSlots',
      summary: 'Bookable lesson start times of a tutor',
      description:
        'The tutor’s weekly rules are expanded day by day in the tutor’s zone, so a 09:00 rule stays 09:00 on the tutor’s clock across DST changes; wall times the clocks skip are not offered, and times they repeat are offered once (first occurrence). Overrides, minimum notice, booking horizon and live bookings with their buffers are honoured.',
      tags: TAGS,
      access: 'public',
      params: TutorIdParamsSchema,
      query: SlotQuerySchema,
      responses: { 200: { description: 'The bookable starts in the range', schema: SlotListSchema } },
      errors: [401, 404],
      handler: async (ctx, { params, query }) => {
        const list = await slots.list(ctx.state.principal, params.id, {
          from: query.from,
          to: query.to,
          timeZone: query.timeZone ?? 'UTC',
          lengthMinutes: query.length,
        });
        ctx.set('Cache-Control', 'no-store');
        ctx.body = {
          ...list,
          slots: list.slots.map((slot) => ({ start: slot.start.toISOString(), end: slot.end.toISOString(), localStart: slot.localStart })),
        };
      },
    }),
  ];
}

function showWeek(week: { timeZone: string | null; rules: { weekday: number; startMinute: number; endMinute: number }[] }) {
  return {
    timeZone: week.timeZone,
    rules: week.rules.map((rule) => ({ weekday: rule.weekday, start: formatClockTime(rule.startMinute), end: formatClockTime(rule.endMinute) })),
  };
}

function showOverride(override: AvailabilityOverride) {
  return {
    id: override.id,
    date: override.localDate,
    kind: override.kind,
    start: override.startMinute === null ? null : formatClockTime(override.startMinute),
    end: override.endMinute === null ? null : formatClockTime(override.endMinute),
    createdAt: override.createdAt.toISOString(),
  };
}
