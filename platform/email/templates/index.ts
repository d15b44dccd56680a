/**
 * Every email the platform sends, by name. The name is stored in the outbox and rendered at send
 * time, so a name must never change while messages with it may be pending. Add a template as a
 * file beside these and one line here.
 */
import type { z } from 'zod';
import { resetPassword } from './reset-password.js';
import type { EmailTemplate, RenderedEmail, RenderedNotice } from './template.js';
import { verifyEmail } from './verify-email.js';
import { BOOKING_TEMPLATES } from './booking.js';
import { dataExportReady } from './data-export.js';
import { accountStatusChanged } from './account-status.js';
import { SERIES_TEMPLATES } from './series.js';
import { PACKAGE_TEMPLATES } from './package.js';
import { NOTICE_TEMPLATES } from './notices.js';

export const EMAIL_TEMPLATES = {
  'verify-email': verifyEmail,
  'reset-password': resetPassword,
  'data-export-ready': dataExportReady,
  'account-status-changed': accountStatusChanged,
  ...BOOKING_TEMPLATES,
  ...SERIES_TEMPLATES,
  ...PACKAGE_TEMPLATES,
  ...NOTICE_TEMPLATES,
};

export type TemplateName = keyof typeof EMAIL_TEMPLATES;
export type TemplateParams<N extends TemplateName> = z.input<(typeof EMAIL_TEMPLATES)[N]['params']>;

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(EMAIL_TEMPLATES, name);
}

/** Checks params against the template; throws a ZodError naming the bad ones. */
export function checkTemplateParams(name: TemplateName, params: unknown): Record<string, unknown> {
  return (EMAIL_TEMPLATES[name] as EmailTemplate).params.parse(params) as Record<string, unknown>;
}

export function renderEmail(name: string, params: unknown): RenderedEmail {
  if (!isTemplateName(name)) throw new Error(`no email template named "${name}"`);
  const template = EMAIL_TEMPLATES[name] as EmailTemplate;
  return template.render(template.params.parse(params));
}

/** The in-app form of a template's message (checked params); undefined for templates that are email only. */
export function renderNotice(name: TemplateName, params: unknown): RenderedNotice | undefined {
  const template = EMAIL_TEMPLATES[name] as EmailTemplate;
  return template.notice?.(template.params.parse(params));
}
