import { z } from 'zod';
import { defineTemplate, escapeHtml, formatInstant } from './template.js';

export const verifyEmail = defineTemplate({
  name: 'verify-email',
  params: z.object({ displayName: z.string(), link: z.url(), expiresAt: z.iso.datetime(), timeZone: z.string() }),
  render: ({ displayName, link, expiresAt, timeZone }) => {
    const until = formatInstant(expiresAt, timeZone);
    return {
      subject: 'Confirm your email address',
      text: `Hello ${displayName},\n\nConfirm that this is your email address by opening this link:\n${link}\n\nThe link works once, until ${until}. If you did not create a Tutorflow account, ignore this email.\n`,
      html: `<p>Hello ${escapeHtml(displayName)},</p><p>Confirm that this is your email address:</p><p><a href="${escapeHtml(link)}">Confirm my email address</a></p><p>The link works once, until ${escapeHtml(until)}. If you did not create a Tutorflow account, ignore this email.</p>`,
    };
  },
});
