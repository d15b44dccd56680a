import { z } from 'zod';
import { defineTemplate, escapeHtml, formatInstant } from './template.js';

/** The GDPR archive is ready: a short-lived link (sent as a sensitive message: the params are erased once sent). */
export const dataExportReady = defineTemplate({
  name: 'data-export-ready',
  params: z.object({ displayName: z.string(), link: z.url(), expiresAt: z.iso.datetime(), timeZone: z.string(), exportId: z.string() }),
  render: ({ displayName, link, expiresAt, timeZone, exportId }) => {
    const until = formatInstant(expiresAt, timeZone);
    const later = `After that, ask for a new link in your account (GET /api/me/export/${exportId}).`;
    return {
      subject: 'Your Tutorflow data is ready to download',
      text: `Hello ${displayName},\n\nThe copy of your data you asked for is ready:\n${link}\n\nThe link works until ${until}. ${later}\n`,
      html: `<p>Hello ${escapeHtml(displayName)},</p><p>The copy of your data you asked for is ready:</p><p><a href="${escapeHtml(link)}">Download my data</a></p><p>The link works until ${escapeHtml(until)}. ${escapeHtml(later)}</p>`,
    };
  },
});
