/**
 * Emails of events outside a booking's workflow, in English and German: a review received, a
 * message that arrived while the recipient was offline, a lesson package about to expire, a sign-in
 * on a new device (a security email: it always goes). Each is
 * also an in-app notification (notice), in the same words.
 */
import { z } from 'zod';
import { LANGUAGES, type Language } from '../../../domain/notifications.js';
import { defineTemplate, escapeHtml, formatInstant, type EmailTemplate } from './template.js';

const recipient = { recipientName: z.string(), timeZone: z.string(), language: z.enum(LANGUAGES).default('en') };

interface Copy<P> {
  subject: (p: P) => string;
  line: (p: P) => string;
}

function noticeTemplate<S extends z.ZodObject>(name: string, params: S, copy: Record<Language, Copy<z.output<S> & { language: Language }>>): EmailTemplate<S> {
  const greeting = { en: 'Hello', de: 'Hallo' };
  return defineTemplate({
    name,
    params,
    render: (raw) => {
      const p = raw as z.output<S> & { language: Language; recipientName: string };
      const lines = [`${greeting[p.language]} ${p.recipientName},`, copy[p.language].line(p)];
      return { subject: copy[p.language].subject(p), text: lines.join('\n\n') + '\n', html: lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('') };
    },
    notice: (raw) => {
      const p = raw as z.output<S> & { language: Language };
      return { title: copy[p.language].subject(p), body: copy[p.language].line(p) };
    },
  });
}

export const NOTICE_TEMPLATES = {
  'review-received': noticeTemplate('review-received', z.object({ ...recipient, reviewId: z.string(), bookingId: z.string(), rating: z.number().int().min(1).max(5), studentName: z.string() }), {
    en: { subject: () => 'You received a review', line: (p) => `${p.studentName} rated your lesson ${p.rating} out of 5. Read the review and reply from your reviews page.` },
    de: { subject: () => 'Du hast eine Bewertung erhalten', line: (p) => `${p.studentName} hat deine Stunde mit ${p.rating} von 5 bewertet. Lies die Bewertung und antworte auf deiner Bewertungsseite.` },
  }),
  'message-received': noticeTemplate('message-received', z.object({ ...recipient, conversationId: z.string(), senderName: z.string() }), {
    en: { subject: (p) => `New message from ${p.senderName}`, line: (p) => `${p.senderName} sent you a message while you were away. Open the conversation to read it.` },
    de: { subject: (p) => `Neue Nachricht von ${p.senderName}`, line: (p) => `${p.senderName} hat dir eine Nachricht geschickt, während du nicht da warst. Öffne das Gespräch, um sie zu lesen.` },
  }),
  'package-expiring': noticeTemplate('package-expiring', z.object({ ...recipient, packageId: z.string(), remainingLessons: z.number().int().min(0), expiresAt: z.iso.datetime() }), {
    en: { subject: () => 'Your lesson package expires soon', line: (p) => `${p.remainingLessons} lesson(s) of your package are still unused; the package expires on ${formatInstant(p.expiresAt, p.timeZone, p.language)}.` },
    de: { subject: () => 'Dein Stundenpaket läuft bald ab', line: (p) => `${p.remainingLessons} Stunde(n) deines Pakets sind noch nicht genutzt; das Paket läuft am ${formatInstant(p.expiresAt, p.timeZone, p.language)} ab.` },
  }),
  'new-sign-in': noticeTemplate('new-sign-in', z.object({ ...recipient, at: z.iso.datetime(), device: z.string(), network: z.string() }), {
    en: {
      subject: () => 'New sign-in to your Tutorflow account',
      line: (p) =>
        `Your account was signed in on ${formatInstant(p.at, p.timeZone, p.language)} from a device it has not used recently: ${p.device} (network ${p.network}). If this was you, there is nothing to do. If not, change your password now and end your other sessions in your account settings.`,
    },
    de: {
      subject: () => 'Neue Anmeldung bei deinem Tutorflow-Konto',
      line: (p) =>
        `Dein Konto wurde am ${formatInstant(p.at, p.timeZone, p.language)} auf einem Gerät angemeldet, das es zuletzt nicht benutzt hat: ${p.device} (Netz ${p.network}). Warst du das, ist nichts zu tun. Wenn nicht, ändere jetzt dein Passwort und beende deine anderen Sitzungen in den Kontoeinstellungen.`,
    },
  }),
};
