/** Weekly lesson series: the student hears of every week that could not be booked (never silently dropped). */
import { z } from 'zod';
import { defineTemplate, escapeHtml, formatInstant } from './template.js';

const REASONS: Record<string, string> = {
  tutor_busy: 'the tutor is already booked at that time',
  student_busy: 'you already have another lesson at that time',
  payment_failed: 'your card was declined',
  unavailable: 'the tutor does not take lessons at that time any more',
};

export const SERIES_TEMPLATES = {
  'series-week-taken': defineTemplate({
    name: 'series-week-taken',
    params: z.object({
      seriesId: z.string(),
      week: z.number().int(),
      sessionStart: z.iso.datetime(),
      timeZone: z.string(),
      reason: z.string(),
      detail: z.string().optional(),
      recipientName: z.string(),
      role: z.string(),
    }),
    render: (p) => {
      const lines = [
        `Hello ${p.recipientName},`,
        `Week ${p.week + 1} of your weekly lessons, on ${formatInstant(p.sessionStart, p.timeZone)}, could not be booked: ${REASONS[p.reason] ?? p.reason}.`,
        ...(p.detail ? [p.detail] : []),
        'The other weeks of the series go on. You can book that week yourself at another time.',
        `Series ${p.seriesId}`,
      ];
      return { subject: 'A week of your lesson series could not be booked', text: lines.join('\n\n') + '\n', html: lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('') };
    },
  }),
};
