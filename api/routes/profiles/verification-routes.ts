/** Tutor verification documents: tutors submit, admins review. */
import { defineRoute, type RouteSpec } from '../../routing.js';
import type { VerificationService } from '../../../services/profiles/verification-service.js';
import {
  DocumentIdParamsSchema,
  RejectDocumentSchema,
  ReviewedVerificationDocumentSchema,
  ReviewQuerySchema,
  ReviewQueueSchema,
  SubmitVerificationDocumentSchema,
  VerificationDocumentListSchema,
  VerificationDocumentSchema,
} from './schemas.js';

export function verificationRoutes(verification: VerificationService): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/me/verification-documents',
      operationId: 'submitVerificationDocument',
      summary: 'Submit an uploaded document for verification',
      description: "Your profile's verification status becomes pending until an admin decides.",
      tags: ['verification'],
      access: 'user',
      body: SubmitVerificationDocumentSchema,
      responses: { 201: { description: 'The submitted document', schema: VerificationDocumentSchema } },
      errors: [403, 404, 409, 422],
      handler: async (ctx, { body }) => {
        ctx.status = 201;
        ctx.body = await verification.submit(ctx.state.principal!, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/me/verification-documents',
      operationId: 'listMyVerificationDocuments',
      summary: 'Your verification documents and their decisions, newest first',
      tags: ['verification'],
      access: 'user',
      responses: { 200: { description: 'Your documents', schema: VerificationDocumentListSchema } },
      errors: [403],
      handler: async (ctx) => {
        ctx.body = { items: await verification.listMine(ctx.state.principal!) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/verification-documents',
      operationId: 'listVerificationDocumentsForReview',
      summary: 'Verification documents to review, oldest first',
      tags: ['verification', 'admin'],
      access: 'admin',
      query: ReviewQuerySchema,
      responses: { 200: { description: 'The documents', schema: ReviewQueueSchema } },
      handler: async (ctx, { query }) => {
        ctx.body = { items: await verification.listForReview(ctx.state.principal!, query.status, query.limit) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/verification-documents/:id/approve',
      operationId: 'approveVerificationDocument',
      summary: 'Approve a pending document',
      tags: ['verification', 'admin'],
      access: 'admin',
      params: DocumentIdParamsSchema,
      responses: { 200: { description: 'The decided document', schema: ReviewedVerificationDocumentSchema } },
      errors: [404, 409],
      handler: async (ctx, { params }) => {
        ctx.body = await verification.decide(ctx.state.principal!, params.id, { approve: true });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/verification-documents/:id/reject',
      operationId: 'rejectVerificationDocument',
      summary: 'Reject a pending document, saying why',
      tags: ['verification', 'admin'],
      access: 'admin',
      params: DocumentIdParamsSchema,
      body: RejectDocumentSchema,
      responses: { 200: { description: 'The decided document', schema: ReviewedVerificationDocumentSchema } },
      errors: [404, 409],
      handler: async (ctx, { params, body }) => {
        ctx.body = await verification.decide(ctx.state.principal!, params.id, { approve: false, reason: body.reason });
      },
    }),
  ];
}
