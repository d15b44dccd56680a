import type { z } from 'zod';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/**
 * One kind of email: the params it needs (checked when the message is enqueued, so a mistake
 * fails the caller's transaction rather than the send later) and how it reads.
 */
export interface EmailTemplate<S extends z.ZodType = z.ZodType> {
  name: string;
  params: S;
  render(params: z.output<S>): RenderedEmail;
}

export function defineTemplate<S extends z.ZodType>(template: EmailTemplate<S>): EmailTemplate<S> {
  return template;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every value put into an email's HTML goes through this: display names are chosen by users. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/** "Tue, 3 Jun 2025, 14:05 CEST", in the recipient's own time zone. */
export function formatInstant(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(iso));
}
