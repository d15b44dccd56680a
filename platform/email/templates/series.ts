/**
 * Weekly lesson series: the student hears of every week that could not be booked (never silently
 * dropped), by email and in the app, in their own language and time zone.
 */
import { z } from 'zod';
import { LANGUAGES, type Language } from '../../../domain/notifications.js';
import { defineTemplate, escapeHtml, formatInstant } from './template.js';

const REASONS: Record<Language, Record<string, string>> = {
  en: {
    tutor_busy: 'the tutor is already booked at that time',
    student_busy: 'you already have another lesson at that time',
    payment_failed: 'your card was declined',
    unavailable: 'the tutor does not take lessons at that time any more',
  },
  de: {
    tutor_busy: 'der Lehrer ist zu dieser Zeit schon gebucht',
    student_busy: 'du hast zu dieser Zeit schon eine andere Stunde',
    payment_failed: 'deine Karte wurde abgelehnt',
    unavailable: 'der Lehrer bietet diese Zeit nicht mehr an',
  },
};

const COPY = {
  en: {
    subject: 'A week of your lesson series could not be booked',
    line: (week: number, when: string, reason: string) => `Week ${week} of your weekly lessons, on ${when}, could not be booked: ${reason}.`,
    rest: 'The other weeks of the series go on. You can book that week yourself at another time.',
    hello: (name: string) => `Hello ${name},`,
    series: 'Series',
  },
  de: {
    subject: 'Eine Woche deiner Stundenreihe konnte nicht gebucht werden',
    line: (week: number, when: string, reason: string) => `Woche ${week} deiner wöchentlichen Stunden, am ${when}, konnte nicht gebucht werden: ${reason}.`,
    rest: 'Die anderen Wochen der Reihe laufen weiter. Du kannst diese Woche selbst zu einer anderen Zeit buchen.',
    hello: (name: string) => `Hallo ${name},`,
    series: 'Reihe',
  },
} as const;

const params = z.object({
  seriesId: z.string(),
  week: z.number().int(),
  sessionStart: z.iso.datetime(),
  timeZone: z.string(),
  reason: z.string(),
  detail: z.string().optional(),
  recipientName: z.string(),
  role: z.string(),
  /** Messages enqueued before languages existed have none: English. */
  language: z.enum(LANGUAGES).default('en'),
});

/** The sentence saying which week and why, in the recipient's language and zone. */
function what(p: z.output<typeof params>): string {
  return COPY[p.language].line(p.week + 1, formatInstant(p.sessionStart, p.timeZone, p.language), REASONS[p.language][p.reason] ?? p.reason);
}

export const SERIES_TEMPLATES = {
  'series-week-taken': defineTemplate({
    name: 'series-week-taken',
    params,
    render: (p) => {
      const copy = COPY[p.language];
      const lines = [copy.hello(p.recipientName), what(p), copy.rest, `${copy.series} ${p.seriesId}`];
      return { subject: copy.subject, text: lines.join('\n\n') + '\n', html: lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('') };
    },
    notice: (p) => ({ title: COPY[p.language].subject, body: what(p) }),
  }),
};
