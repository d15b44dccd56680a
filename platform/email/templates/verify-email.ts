import { z } from 'zod';
import { LANGUAGES } from '../../../domain/notifications.js';
import { defineTemplate, escapeHtml, formatInstant } from './template.js';

/** A security email: always sent, whatever the person's notification preferences say. */
export const verifyEmail = defineTemplate({
  name: 'verify-email',
  params: z.object({ displayName: z.string(), link: z.url(), expiresAt: z.iso.datetime(), timeZone: z.string(), language: z.enum(LANGUAGES).default('en') }),
  render: ({ displayName, link, expiresAt, timeZone, language }) => {
    const until = formatInstant(expiresAt, timeZone, language);
    if (language === 'de') {
      return {
        subject: 'Bestätige deine E-Mail-Adresse',
        text: `Hallo ${displayName},\n\nBestätige, dass dies deine E-Mail-Adresse ist, indem du diesen Link öffnest:\n${link}\n\nDer Link funktioniert einmal, bis ${until}. Wenn du kein Tutorflow-Konto angelegt hast, ignoriere diese E-Mail.\n`,
        html: `<p>Hallo ${escapeHtml(displayName)},</p><p>Bestätige, dass dies deine E-Mail-Adresse ist:</p><p><a href="${escapeHtml(link)}">E-Mail-Adresse bestätigen</a></p><p>Der Link funktioniert einmal, bis ${escapeHtml(until)}. Wenn du kein Tutorflow-Konto angelegt hast, ignoriere diese E-Mail.</p>`,
      };
    }
    return {
      subject: 'Confirm your email address',
      text: `Hello ${displayName},\n\nConfirm that this is your email address by opening this link:\n${link}\n\nThe link works once, until ${until}. If you did not create a Tutorflow account, ignore this email.\n`,
      html: `<p>Hello ${escapeHtml(displayName)},</p><p>Confirm that this is your email address:</p><p><a href="${escapeHtml(link)}">Confirm my email address</a></p><p>The link works once, until ${escapeHtml(until)}. If you did not create a Tutorflow account, ignore this email.</p>`,
    };
  },
});
