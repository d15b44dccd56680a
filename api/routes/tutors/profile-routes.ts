/** A tutor's profile as anyone sees it. (The tutor search, GET /api/tutors, lives elsewhere.) */
import { defineRoute, type RouteSpec } from '../../routing.js';
import type { TutorProfileService } from '../../../services/profiles/tutor-profile-service.js';
import { TutorIdParamsSchema, TutorProfileSchema } from './profile-schemas.js';

export function tutorProfileRoutes(tutors: TutorProfileService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/tutors/:id',
      operationId: 'getTutorProfile',
      summary: "A tutor's public profile",
      description: 'An unpublished profile is visible only to its owner and to admins; to anyone else it does not exist (404).',
      tags: ['tutors'],
      access: 'public',
      params: TutorIdParamsSchema,
      responses: { 200: { description: 'The profile', schema: TutorProfileSchema } },
      errors: [401, 404],
      handler: async (ctx, { params }) => {
        ctx.body = await tutors.getPublic(ctx.state.principal, params.id);
      },
    }),
  ];
}
