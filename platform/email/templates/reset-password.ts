import { z } from 'zod';
import { defineTemplate, escapeHtml, formatInstant } from './template.js';

export const resetPassword = defineTemplate({
  name: 'reset-password',
  params: z.object({ displayName: z.string(), link: z.url(), expiresAt: z.iso.datetime(), timeZone: z.string() }),
  render: ({ displayName, link, expiresAt, timeZone }) => {
    const until = formatInstant(expiresAt, timeZone);
    return {
      subject: 'Reset your password',
      text: `Hello ${displayName},\n\nSomeone (hopefully you) asked to reset your Tutorflow password. Choose a new one here:\n${link}\n\nThe link works once, until ${until}. Resetting signs you out everywhere. If you did not ask for this, ignore this email: your password stays as it is.\n`,
      html: `<p>Hello ${escapeHtml(displayName)},</p><p>Someone (hopefully you) asked to reset your Tutorflow password.</p><p><a href="${escapeHtml(link)}">Choose a new password</a></p><p>The link works once, until ${escapeHtml(until)}. Resetting signs you out everywhere. If you did not ask for this, ignore this email: your password stays as it is.</p>`,
    };
  },
});
