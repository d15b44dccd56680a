/**
 * The emails of a bought lesson package: bought, unused credits refunded. (Expiring soon is a
 * notification too, in the recipient's language: notices.ts.)
 */
import { z } from 'zod';
import { defineTemplate, escapeHtml, formatInstant, type EmailTemplate } from './template.js';
import { formatMoney } from '../../../domain/money.js';

const packageParams = z
  .object({
    packageId: z.string(),
    lessons: z.number().int(),
    lengthMinutes: z.number().int(),
    expiresAt: z.iso.datetime(),
    currency: z.string().length(3),
    recipientName: z.string(),
    role: z.string(),
  })
  .catchall(z.union([z.string(), z.number()]));

type PackageParams = z.output<typeof packageParams>;

function packageTemplate(name: string, subject: string, lines: (p: PackageParams, expires: string) => string[]): EmailTemplate<typeof packageParams> {
  return defineTemplate({
    name,
    params: packageParams,
    render: (params) => {
      const body = [`Hello ${params.recipientName},`, ...lines(params, formatInstant(params.expiresAt, 'UTC')), `Package ${params.packageId}`];
      return { subject, text: body.join('\n\n') + '\n', html: body.map((line) => `<p>${escapeHtml(line)}</p>`).join('') };
    },
  });
}

export const PACKAGE_TEMPLATES = {
  'package-purchased': packageTemplate('package-purchased', 'Your lesson package is ready', (p, expires) => [
    `You bought ${p.lessons} lessons of ${p.lengthMinutes} minutes for ${formatMoney(Number(p.amountMinor ?? 0), p.currency)}. Book them until ${expires}.`,
  ]),
  'package-credits-refunded': packageTemplate('package-credits-refunded', 'Unused lesson credits refunded', (p) => [
    `${String(p.credits)} unused credits were refunded: ${formatMoney(Number(p.amountMinor ?? 0), p.currency)} (${String(p.reason ?? '')}).`,
  ]),
};
