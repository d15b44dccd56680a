import { z } from 'zod';
import { LANGUAGES } from '../../../domain/notifications.js';
import { defineTemplate, escapeHtml, formatInstant } from './template.js';

/** A security email: always sent, whatever the person's notification preferences say. */
export const resetPassword = defineTemplate({
  name: 'reset-password',
  params: z.object({ displayName: z.string(), link: z.url(), expiresAt: z.iso.datetime(), timeZone: z.string(), language: z.enum(LANGUAGES).default('en') }),
  render: ({ displayName, link, expiresAt, timeZone, language }) => {
    const until = formatInstant(expiresAt, timeZone, language);
    if (language === 'de') {
      return {
        subject: 'Setze dein Passwort zurück',
        text: `Hallo ${displayName},\n\njemand (hoffentlich du) möchte dein Tutorflow-Passwort zurücksetzen. Wähle hier ein neues:\n${link}\n\nDer Link funktioniert einmal, bis ${until}. Das Zurücksetzen meldet dich überall ab. Wenn du das nicht wolltest, ignoriere diese E-Mail: Dein Passwort bleibt, wie es ist.\n`,
        html: `<p>Hallo ${escapeHtml(displayName)},</p><p>jemand (hoffentlich du) möchte dein Tutorflow-Passwort zurücksetzen.</p><p><a href="${escapeHtml(link)}">Neues Passwort wählen</a></p><p>Der Link funktioniert einmal, bis ${escapeHtml(until)}. Das Zurücksetzen meldet dich überall ab. Wenn du das nicht wolltest, ignoriere diese E-Mail: Dein Passwort bleibt, wie es ist.</p>`,
      };
    }
    return {
      subject: 'Reset your password',
      text: `Hello ${displayName},\n\nSomeone (hopefully you) asked to reset your Tutorflow password. Choose a new one here:\n${link}\n\nThe link works once, until ${until}. Resetting signs you out everywhere. If you did not ask for this, ignore this email: your password stays as it is.\n`,
      html: `<p>Hello ${escapeHtml(displayName)},</p><p>Someone (hopefully you) asked to reset your Tutorflow password.</p><p><a href="${escapeHtml(link)}">Choose a new password</a></p><p>The link works once, until ${escapeHtml(until)}. Resetting signs you out everywhere. If you did not ask for this, ignore this email: your password stays as it is.</p>`,
    };
  },
});
