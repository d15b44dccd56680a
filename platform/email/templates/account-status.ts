import { z } from 'zod';
import { defineTemplate, escapeHtml } from './template.js';

const WHAT: Record<string, { subject: string; line: string }> = {
  suspended: { subject: 'Your Tutorflow account was suspended', line: 'Our team suspended your Tutorflow account: you cannot sign in until it is reinstated.' },
  banned: { subject: 'Your Tutorflow account was closed', line: 'Our team closed (banned) your Tutorflow account: you can no longer sign in.' },
  active: { subject: 'Your Tutorflow account is active again', line: 'Our team reinstated your Tutorflow account: you can sign in again.' },
};

/**
 * An admin changed the account's status: the person is told, with the admin's reason (a statement of
 * reasons, as the EU Digital Services Act asks of a platform that restricts an account). A security
 * email: it goes whatever the person's notification preferences say.
 */
export const accountStatusChanged = defineTemplate({
  name: 'account-status-changed',
  params: z.object({ displayName: z.string(), status: z.enum(['suspended', 'banned', 'active']), reason: z.string() }),
  render: ({ displayName, status, reason }) => {
    const { subject, line } = WHAT[status]!;
    const why = `The reason given: ${reason}`;
    const contact = 'If you think this is a mistake, reply to this email.';
    return {
      subject,
      text: `Hello ${displayName},\n\n${line}\n\n${why}\n\n${contact}\n`,
      html: `<p>Hello ${escapeHtml(displayName)},</p><p>${escapeHtml(line)}</p><p>${escapeHtml(why)}</p><p>${escapeHtml(contact)}</p>`,
    };
  },
});
