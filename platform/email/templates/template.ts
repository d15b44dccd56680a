import type { z } from 'zod';
import type { Language } from '../../../domain/notifications.js';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** The same message as an in-app notification: a title and a sentence or two, no greeting. */
export interface RenderedNotice {
  title: string;
  body: string;
}

/**
 * One kind of email: the params it needs (checked when the message is enqueued, so a mistake
 * fails the caller's transaction rather than the send later) and how it reads.
 */
export interface EmailTemplate<S extends z.ZodType = z.ZodType> {
  name: string;
  params: S;
  render(params: z.output<S>): RenderedEmail;
  /** Its in-app form; templates without one are never notifications (e.g. sign-in links). */
  notice?(params: z.output<S>): RenderedNotice;
}

export function defineTemplate<S extends z.ZodType>(template: EmailTemplate<S>): EmailTemplate<S> {
  return template;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every value put into an email's HTML goes through this: display names are chosen by users. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

const LOCALES: Record<Language, string> = { en: 'en-GB', de: 'de-DE' };

const instantFormats = new Map<string, Intl.DateTimeFormat>();

/** "Tue, 3 Jun 2025, 14:05 CEST" ("Di., 3. Juni 2025, 14:05 MESZ"), in the recipient's own time zone and language. */
export function formatInstant(iso: string, timeZone: string, language: Language = 'en'): string {
  // Building a DateTimeFormat costs far more than formatting with one: one per language and time zone.
  const key = `${language} ${timeZone}`;
  let format = instantFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[language], {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
      timeZoneName: 'short',
    });
    instantFormats.set(key, format);
  }
  return format.format(new Date(iso));
}
