/**
 * The booking lifecycle's emails. They share one set of params (what the workflow knows about the
 * booking, plus the recipient), so each is a subject and a few sentences; times are shown in the
 * booking's time zone.
 */
import { z } from 'zod';
import { defineTemplate, escapeHtml, formatInstant, type EmailTemplate } from './template.js';
import { formatMoney } from '../../../domain/money.js';

const bookingParams = z
  .object({
    bookingId: z.string(),
    sessionStart: z.iso.datetime(),
    sessionEnd: z.iso.datetime(),
    timeZone: z.string(),
    priceMinor: z.number().int(),
    currency: z.string().length(3),
    recipientName: z.string(),
    role: z.string(),
  })
  .catchall(z.union([z.string(), z.number()]));

type BookingParams = z.output<typeof bookingParams>;

const money = (minor: unknown, currency: string) => formatMoney(Number(minor), currency);

function bookingTemplate(name: string, subject: (p: BookingParams) => string, lines: (p: BookingParams, when: string) => string[]): EmailTemplate<typeof bookingParams> {
  return defineTemplate({
    name,
    params: bookingParams,
    render: (params) => {
      const when = formatInstant(params.sessionStart, params.timeZone);
      const body = lines(params, when);
      return {
        subject: subject(params),
        text: [`Hello ${params.recipientName},`, ...body, `Booking ${params.bookingId}`].join('\n\n') + '\n',
        html: [`Hello ${params.recipientName},`, ...body, `Booking ${params.bookingId}`].map((line) => `<p>${escapeHtml(line)}</p>`).join(''),
      };
    },
  });
}

export const BOOKING_TEMPLATES = {
  'booking-requested': bookingTemplate(
    'booking-requested',
    (p) => (p.role === 'tutor' ? 'A student asked for a lesson' : 'Your lesson request was sent'),
    (p, when) => [p.role === 'tutor' ? `A student asked for a lesson on ${when}. Accept or decline it before the request expires.` : `Your request for a lesson on ${when} was sent; the card hold is ${money(p.priceMinor, p.currency)}.`],
  ),
  'booking-scheduled': bookingTemplate('booking-scheduled', () => 'Your lesson is booked', (p, when) => [`The lesson on ${when} is booked.`, `Join it here: ${String(p.joinUrl ?? '')}`]),
  'booking-declined': bookingTemplate('booking-declined', () => 'The lesson request was declined', (p, when) => [`The lesson request for ${when} was declined: ${String(p.reason ?? '')}. The card hold was released.`]),
  'booking-expired': bookingTemplate('booking-expired', () => 'The lesson request expired', (_p, when) => [`Nobody answered the lesson request for ${when} in time. The card hold was released.`]),
  'booking-cancelled': bookingTemplate('booking-cancelled', () => 'The lesson was cancelled', (p, when) => [
    `The lesson on ${when} was cancelled: ${String(p.reason ?? '')}.`,
    ...(p.refundMinor !== undefined ? [`Refund to the student: ${money(p.refundMinor, p.currency)}.`] : []),
  ]),
  'payment-failed': bookingTemplate('payment-failed', () => 'Your payment did not go through', (p, when) => [`The payment for the lesson on ${when} did not go through: ${String(p.message ?? '')}. The time was not booked.`]),
  'refund-issued': bookingTemplate('refund-issued', () => 'You were refunded', (p) => [`${money(p.amountMinor, p.currency)} is on its way back to your card (${String(p.reason ?? '')}).`]),
  'reschedule-proposed': bookingTemplate('reschedule-proposed', () => 'A new time was proposed for your lesson', (p, when) => [`The lesson on ${when} could move to ${formatInstant(String(p.newStart), p.timeZone)}. Accept or decline the new time.`]),
  'reschedule-declined': bookingTemplate('reschedule-declined', () => 'The new time was declined', (_p, when) => [`The lesson stays on ${when}.`]),
  'reschedule-payment-failed': bookingTemplate('reschedule-payment-failed', () => 'The longer lesson could not be paid', (p, when) => [
    `The extra ${money(p.differenceMinor, p.currency)} for the longer lesson could not be charged to the student's card (${String(p.message ?? '')}). The lesson stays on ${when}, as it was.`,
  ]),
  'reschedule-expired': bookingTemplate('reschedule-expired', () => 'The proposed new time expired', (_p, when) => [`Nobody answered the proposed new time in time: the lesson stays on ${when}.`]),
  'booking-rescheduled': bookingTemplate('booking-rescheduled', () => 'Your lesson moved', (p, when) => [`The lesson moved from ${formatInstant(String(p.previousStart), p.timeZone)} to ${when}.`]),
  'lesson-reminder': bookingTemplate('lesson-reminder', () => 'Your lesson is coming up', (p, when) => [`Your lesson starts ${when}.`, `Join it here: ${String(p.joinUrl ?? '')}`]),
  'lesson-ended': bookingTemplate('lesson-ended', () => 'How was your lesson?', (p, when) => [
    `Your lesson of ${when} has ended. If the other party did not show up, report it from the booking page.`,
    ...(p.reviewUrl !== undefined ? [`Tell other students how it went: ${String(p.reviewUrl)}`] : []),
  ]),
  'no-show-reported': bookingTemplate('no-show-reported', () => 'A no-show was reported', (p, when) => [`The ${String(p.reportedBy)} reported a no-show for the lesson on ${when}. ${String(p.next ?? 'The payout waits for our team to look at it.')}`]),
  'no-show-contested': bookingTemplate('no-show-contested', () => 'A no-show report was contested', (p, when) => [`The ${String(p.contestedBy)} says they were at the lesson on ${when}. The payout waits for our team to decide.`]),
  'no-show-refunded': bookingTemplate('no-show-refunded', () => 'Lesson refunded: the tutor did not show up', (p, when) => [`The tutor was reported absent from the lesson on ${when} and did not contest it: ${money(p.amountMinor, p.currency)} is refunded to the student.`]),
  'payout-account-needed': bookingTemplate('payout-account-needed', () => 'Set up payouts to get paid', (p) => [`Your payout of a lesson (${money(p.priceMinor, p.currency)} before commission) is waiting: finish setting up payouts to receive it.`]),
  'payout-sent': bookingTemplate('payout-sent', () => 'You were paid', (p) => [`${money(p.amountMinor, p.currency)} is on its way to your account.`]),
};

/**
 * Links into the web app (FRONTEND_BASE_URL) an email of the booking carries, by template and by
 * the recipient's role: the student's "How was your lesson?" opens the lesson's review page. Added
 * when the email is enqueued, so the workflow's notify input stays as it is.
 */
export function bookingEmailLinks(template: string, bookingId: string, role: string, frontendBaseUrl: string): Record<string, string> {
  if (template === 'lesson-ended' && role === 'student') return { reviewUrl: new URL(`/bookings/${encodeURIComponent(bookingId)}/review`, frontendBaseUrl).toString() };
  return {};
}
