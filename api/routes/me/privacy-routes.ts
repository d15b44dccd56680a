/** GDPR for the signed-in person: export my data (built in the background), delete my account. */
import type { ExportView, PrivacyService } from '../../../services/privacy/privacy-service.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import { DataExportSchema, ExportIdParams } from './privacy-schemas.js';

function toView({ export: row, download }: ExportView) {
  return {
    id: row.id,
    status: row.status,
    requestedAt: row.requestedAt.toISOString(),
    readyAt: row.readyAt?.toISOString() ?? null,
    sizeBytes: row.sizeBytes,
    failure: row.failure,
    download: download ? { url: download.url, expiresAt: download.expiresAt.toISOString() } : null,
  };
}

export function privacyRoutes(privacy: PrivacyService): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/me/export',
      operationId: 'requestDataExport',
      summary: 'Ask for a copy of everything stored about you (GDPR)',
      description:
        'Builds a JSON archive in the background (profile, bookings with their amounts, messages, reviews, files’ details, sessions, …). Answers 202 at once; poll the export’s URL (Location) until `status` is `ready`, or wait for the email with a link. Each link works for DATA_EXPORT_LINK_TTL; ask the export again for a fresh one.',
      tags: ['me'],
      access: 'user',
      responses: { 202: { description: 'The export, pending', schema: DataExportSchema, headers: { Location: 'The export’s URL' } } },
      handler: async (ctx) => {
        const view = await privacy.requestExport(ctx.state.principal!);
        ctx.status = 202;
        ctx.set('Location', `/api/me/export/${view.export.id}`);
        ctx.body = toView(view);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/me/export/:id',
      operationId: 'getDataExport',
      summary: 'One of your data exports, with a short-lived download link once ready',
      tags: ['me'],
      access: 'user',
      params: ExportIdParams,
      responses: { 200: { description: 'The export', schema: DataExportSchema } },
      errors: [404],
      handler: async (ctx, { params }) => {
        ctx.body = toView(await privacy.getExport(ctx.state.principal!, params.id));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/me',
      operationId: 'deleteMe',
      summary: 'Delete your account (GDPR)',
      description:
        'Erases your personal data (README: “Deleting an account” says what goes and what stays: bookings and their amounts are kept, as accounting law requires), detaches your saved cards from Stripe, ends every session and closes your WebSockets. Refused with 409 and `blockers` while a booking is open, an ended lesson’s money is not settled, a weekly series runs or a package has unused credits. Admin accounts are closed by another admin (409).',
      tags: ['me'],
      access: 'user',
      responses: { 204: { description: 'Deleted: the access token no longer works' } },
      errors: [409],
      handler: async (ctx) => {
        await privacy.deleteAccount(ctx.state.principal!);
        ctx.status = 204;
      },
    }),
  ];
}
