/**
 * The booking lifecycle's emails, in English and German. They share one set of params (what the
 * workflow knows about the booking, plus the recipient), so each is a subject and a few sentences
 * per language. Times are shown in the recipient's own zone and language: the notifier puts them
 * in the params of each recipient's message (the workflow's `timeZone` is the student's).
 */
import { z } from 'zod';
import { LANGUAGES, type Language } from '../../../domain/notifications.js';
import { formatMoney } from '../../../domain/money.js';
import { defineTemplate, escapeHtml, formatInstant, type EmailTemplate } from './template.js';

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
    /** Messages enqueued before languages existed have none: English. */
    language: z.enum(LANGUAGES).default('en'),
  })
  .catchall(z.union([z.string(), z.number()]));

type BookingParams = z.output<typeof bookingParams>;

/** What a sentence needs: the params, the lesson's start and a formatter for other instants, in the recipient's zone and language. */
interface Context {
  p: BookingParams;
  when: string;
  at: (iso: unknown) => string;
  money: (minor: unknown) => string;
  text: (key: string) => string;
}

interface Copy {
  subject: (c: Context) => string;
  lines: (c: Context) => string[];
}

type Translations = Record<Language, Copy>;

const party = { en: { student: 'student', tutor: 'tutor' }, de: { student: 'Schüler', tutor: 'Lehrer' } } as const;

function bookingTemplate(name: string, copy: Translations): EmailTemplate<typeof bookingParams> {
  const context = (p: BookingParams): Context => ({
    p,
    when: formatInstant(p.sessionStart, p.timeZone, p.language),
    at: (iso) => formatInstant(String(iso), p.timeZone, p.language),
    money: (minor) => formatMoney(Number(minor), p.currency),
    text: (key) => String(p[key] ?? ''),
  });
  const greeting = { en: 'Hello', de: 'Hallo' };
  const footer = { en: 'Booking', de: 'Buchung' };
  return defineTemplate({
    name,
    params: bookingParams,
    render: (p) => {
      const c = context(p);
      const lines = [`${greeting[p.language]} ${p.recipientName},`, ...copy[p.language].lines(c), `${footer[p.language]} ${p.bookingId}`];
      return {
        subject: copy[p.language].subject(c),
        text: lines.join('\n\n') + '\n',
        html: lines.map((line) => `<p>${escapeHtml(line)}</p>`).join(''),
      };
    },
    notice: (p) => {
      const c = context(p);
      return { title: copy[p.language].subject(c), body: copy[p.language].lines(c).join(' ') };
    },
  });
}

const who = (c: Context, key: string) => {
  const value = c.text(key);
  return value === 'student' || value === 'tutor' ? party[c.p.language][value] : value;
};

export const BOOKING_TEMPLATES = {
  'booking-requested': bookingTemplate('booking-requested', {
    en: {
      subject: (c) => (c.p.role === 'tutor' ? 'A student asked for a lesson' : 'Your lesson request was sent'),
      lines: (c) => [c.p.role === 'tutor' ? `A student asked for a lesson on ${c.when}. Accept or decline it before the request expires.` : `Your request for a lesson on ${c.when} was sent; the card hold is ${c.money(c.p.priceMinor)}.`],
    },
    de: {
      subject: (c) => (c.p.role === 'tutor' ? 'Eine neue Stundenanfrage' : 'Deine Stundenanfrage wurde gesendet'),
      lines: (c) => [c.p.role === 'tutor' ? `Ein Schüler möchte eine Stunde am ${c.when}. Nimm sie an oder lehne sie ab, bevor die Anfrage abläuft.` : `Deine Anfrage für eine Stunde am ${c.when} wurde gesendet; auf deiner Karte sind ${c.money(c.p.priceMinor)} reserviert.`],
    },
  }),
  'booking-scheduled': bookingTemplate('booking-scheduled', {
    en: { subject: () => 'Your lesson is booked', lines: (c) => [`The lesson on ${c.when} is booked.`, `Join it here: ${c.text('joinUrl')}`] },
    de: { subject: () => 'Deine Stunde ist gebucht', lines: (c) => [`Die Stunde am ${c.when} ist gebucht.`, `Hier nimmst du teil: ${c.text('joinUrl')}`] },
  }),
  'booking-declined': bookingTemplate('booking-declined', {
    en: { subject: () => 'The lesson request was declined', lines: (c) => [`The lesson request for ${c.when} was declined: ${c.text('reason')}. The card hold was released.`] },
    de: { subject: () => 'Die Stundenanfrage wurde abgelehnt', lines: (c) => [`Die Anfrage für die Stunde am ${c.when} wurde abgelehnt: ${c.text('reason')}. Die Reservierung auf der Karte wurde aufgehoben.`] },
  }),
  'booking-expired': bookingTemplate('booking-expired', {
    en: { subject: () => 'The lesson request expired', lines: (c) => [`Nobody answered the lesson request for ${c.when} in time. The card hold was released.`] },
    de: { subject: () => 'Die Stundenanfrage ist abgelaufen', lines: (c) => [`Die Anfrage für die Stunde am ${c.when} wurde nicht rechtzeitig beantwortet. Die Reservierung auf der Karte wurde aufgehoben.`] },
  }),
  'booking-cancelled': bookingTemplate('booking-cancelled', {
    en: {
      subject: () => 'The lesson was cancelled',
      lines: (c) => [`The lesson on ${c.when} was cancelled: ${c.text('reason')}.`, ...(c.p.refundMinor !== undefined ? [`Refund to the student: ${c.money(c.p.refundMinor)}.`] : [])],
    },
    de: {
      subject: () => 'Die Stunde wurde abgesagt',
      lines: (c) => [`Die Stunde am ${c.when} wurde abgesagt: ${c.text('reason')}.`, ...(c.p.refundMinor !== undefined ? [`Erstattung an den Schüler: ${c.money(c.p.refundMinor)}.`] : [])],
    },
  }),
  'payment-failed': bookingTemplate('payment-failed', {
    en: { subject: () => 'Your payment did not go through', lines: (c) => [`The payment for the lesson on ${c.when} did not go through: ${c.text('message')}. The time was not booked.`] },
    de: { subject: () => 'Deine Zahlung ist fehlgeschlagen', lines: (c) => [`Die Zahlung für die Stunde am ${c.when} ist fehlgeschlagen: ${c.text('message')}. Der Termin wurde nicht gebucht.`] },
  }),
  'refund-issued': bookingTemplate('refund-issued', {
    en: { subject: () => 'You were refunded', lines: (c) => [`${c.money(c.p.amountMinor)} is on its way back to your card (${c.text('reason')}).`] },
    de: { subject: () => 'Du erhältst eine Erstattung', lines: (c) => [`${c.money(c.p.amountMinor)} werden deiner Karte gutgeschrieben (${c.text('reason')}).`] },
  }),
  'reschedule-proposed': bookingTemplate('reschedule-proposed', {
    en: { subject: () => 'A new time was proposed for your lesson', lines: (c) => [`The lesson on ${c.when} could move to ${c.at(c.p.newStart)}. Accept or decline the new time.`] },
    de: { subject: () => 'Ein neuer Termin für deine Stunde wurde vorgeschlagen', lines: (c) => [`Die Stunde am ${c.when} könnte auf ${c.at(c.p.newStart)} verlegt werden. Nimm den neuen Termin an oder lehne ihn ab.`] },
  }),
  'reschedule-declined': bookingTemplate('reschedule-declined', {
    en: { subject: () => 'The new time was declined', lines: (c) => [`The lesson stays on ${c.when}.`] },
    de: { subject: () => 'Der neue Termin wurde abgelehnt', lines: (c) => [`Die Stunde bleibt am ${c.when}.`] },
  }),
  'reschedule-payment-failed': bookingTemplate('reschedule-payment-failed', {
    en: {
      subject: () => 'The longer lesson could not be paid',
      lines: (c) => [`The extra ${c.money(c.p.differenceMinor)} for the longer lesson could not be charged to the student's card (${c.text('message')}). The lesson stays on ${c.when}, as it was.`],
    },
    de: {
      subject: () => 'Die längere Stunde konnte nicht bezahlt werden',
      lines: (c) => [`Die zusätzlichen ${c.money(c.p.differenceMinor)} für die längere Stunde konnten nicht von der Karte des Schülers abgebucht werden (${c.text('message')}). Die Stunde bleibt wie bisher am ${c.when}.`],
    },
  }),
  'reschedule-expired': bookingTemplate('reschedule-expired', {
    en: { subject: () => 'The proposed new time expired', lines: (c) => [`Nobody answered the proposed new time in time: the lesson stays on ${c.when}.`] },
    de: { subject: () => 'Der vorgeschlagene Termin ist abgelaufen', lines: (c) => [`Der vorgeschlagene Termin wurde nicht rechtzeitig beantwortet: Die Stunde bleibt am ${c.when}.`] },
  }),
  'booking-rescheduled': bookingTemplate('booking-rescheduled', {
    en: { subject: () => 'Your lesson moved', lines: (c) => [`The lesson moved from ${c.at(c.p.previousStart)} to ${c.when}.`] },
    de: { subject: () => 'Deine Stunde wurde verlegt', lines: (c) => [`Die Stunde wurde von ${c.at(c.p.previousStart)} auf ${c.when} verlegt.`] },
  }),
  'lesson-reminder': bookingTemplate('lesson-reminder', {
    en: { subject: () => 'Your lesson is coming up', lines: (c) => [`Your lesson starts ${c.when}.`, `Join it here: ${c.text('joinUrl')}`] },
    de: { subject: () => 'Deine Stunde beginnt bald', lines: (c) => [`Deine Stunde beginnt am ${c.when}.`, `Hier nimmst du teil: ${c.text('joinUrl')}`] },
  }),
  'lesson-ended': bookingTemplate('lesson-ended', {
    en: {
      subject: () => 'How was your lesson?',
      lines: (c) => [
        `Your lesson of ${c.when} has ended. If the other party did not show up, report it from the booking page.`,
        ...(c.p.reviewUrl !== undefined ? [`Tell other students how it went: ${c.text('reviewUrl')}`] : []),
      ],
    },
    de: {
      subject: () => 'Wie war deine Stunde?',
      lines: (c) => [
        `Deine Stunde vom ${c.when} ist vorbei. Falls die andere Seite nicht erschienen ist, melde es auf der Seite der Buchung.`,
        ...(c.p.reviewUrl !== undefined ? [`Erzähl anderen Schülern, wie es war: ${c.text('reviewUrl')}`] : []),
      ],
    },
  }),
  'no-show-reported': bookingTemplate('no-show-reported', {
    en: { subject: () => 'A no-show was reported', lines: (c) => [`The ${who(c, 'reportedBy')} reported a no-show for the lesson on ${c.when}. ${String(c.p.next ?? 'The payout waits for our team to look at it.')}`] },
    de: { subject: () => 'Ein Nichterscheinen wurde gemeldet', lines: (c) => [`Der ${who(c, 'reportedBy')} hat für die Stunde am ${c.when} ein Nichterscheinen gemeldet. ${String(c.p.next ?? 'Die Auszahlung wartet, bis unser Team es geprüft hat.')}`] },
  }),
  'no-show-contested': bookingTemplate('no-show-contested', {
    en: { subject: () => 'A no-show report was contested', lines: (c) => [`The ${who(c, 'contestedBy')} says they were at the lesson on ${c.when}. The payout waits for our team to decide.`] },
    de: { subject: () => 'Eine Meldung über Nichterscheinen wurde bestritten', lines: (c) => [`Der ${who(c, 'contestedBy')} sagt, er war bei der Stunde am ${c.when}. Die Auszahlung wartet auf die Entscheidung unseres Teams.`] },
  }),
  'no-show-refunded': bookingTemplate('no-show-refunded', {
    en: { subject: () => 'Lesson refunded: the tutor did not show up', lines: (c) => [`The tutor was reported absent from the lesson on ${c.when} and did not contest it: ${c.money(c.p.amountMinor)} is refunded to the student.`] },
    de: { subject: () => 'Stunde erstattet: Der Lehrer ist nicht erschienen', lines: (c) => [`Der Lehrer wurde bei der Stunde am ${c.when} als abwesend gemeldet und hat nicht widersprochen: ${c.money(c.p.amountMinor)} werden dem Schüler erstattet.`] },
  }),
  'dispute-opened': bookingTemplate('dispute-opened', {
    en: {
      subject: () => 'A problem was reported with a lesson',
      lines: (c) => [
        c.p.role === 'tutor'
          ? `The student reported a problem with the lesson of ${c.when} (${c.text('reason')}). Your payout for it waits until our team decides.`
          : `We received your report about the lesson of ${c.when}. The tutor's payout waits until our team decides; we will tell you both.`,
      ],
    },
    de: {
      subject: () => 'Zu einer Stunde wurde ein Problem gemeldet',
      lines: (c) => [
        c.p.role === 'tutor'
          ? `Der Schüler hat ein Problem mit der Stunde vom ${c.when} gemeldet (${c.text('reason')}). Deine Auszahlung dafür wartet, bis unser Team entschieden hat.`
          : `Wir haben deine Meldung zur Stunde vom ${c.when} erhalten. Die Auszahlung an den Lehrer wartet, bis unser Team entschieden hat; wir informieren euch beide.`,
      ],
    },
  }),
  'dispute-decided': bookingTemplate('dispute-decided', {
    en: {
      subject: () => 'The reported problem was decided',
      lines: (c) => [`Our team decided the report about the lesson of ${c.when}: ${c.money(c.p.refundMinor)} goes back to the student (${c.text('reason')}); the tutor is paid on the rest.`],
    },
    de: {
      subject: () => 'Über das gemeldete Problem wurde entschieden',
      lines: (c) => [`Unser Team hat über die Meldung zur Stunde vom ${c.when} entschieden: ${c.money(c.p.refundMinor)} gehen an den Schüler zurück (${c.text('reason')}); der Lehrer wird für den Rest bezahlt.`],
    },
  }),
  'payout-account-needed': bookingTemplate('payout-account-needed', {
    en: { subject: () => 'Set up payouts to get paid', lines: (c) => [`Your payout of a lesson (${c.money(c.p.priceMinor)} before commission) is waiting: finish setting up payouts to receive it.`] },
    de: { subject: () => 'Richte Auszahlungen ein, um bezahlt zu werden', lines: (c) => [`Die Auszahlung einer Stunde (${c.money(c.p.priceMinor)} vor Provision) wartet: Schließe die Einrichtung der Auszahlungen ab, um sie zu erhalten.`] },
  }),
  'payout-sent': bookingTemplate('payout-sent', {
    en: { subject: () => 'You were paid', lines: (c) => [`${c.money(c.p.amountMinor)} is on its way to your account.`] },
    de: { subject: () => 'Du wurdest bezahlt', lines: (c) => [`${c.money(c.p.amountMinor)} sind auf dem Weg zu deinem Konto.`] },
  }),
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
