/** The tutor search: GET /api/tutors. (A single tutor's profile, GET /api/tutors/:id, is the profiles' route.) */
import type { TutorSearchService } from '../../../services/search/tutor-search-service.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import { TutorSearchPageSchema, TutorSearchQuerySchema } from './schemas.js';

export function tutorSearchRoutes(search: TutorSearchService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/tutors',
      operationId: 'searchTutors',
      summary: 'Find published tutors',
      description:
        'Filters combine with AND. Pages are keyset pages: walking them with nextCursor never repeats or skips a tutor while the data stands still.',
      tags: ['tutors'],
      access: 'public',
      query: TutorSearchQuerySchema,
      responses: { 200: { description: 'One page of tutors', schema: TutorSearchPageSchema } },
      errors: [401],
      handler: async (ctx, { query }) => {
        const page = await search.find(query);
        ctx.body = { items: page.items.map((card) => ({ ...card, createdAt: card.createdAt.toISOString() })), nextCursor: page.nextCursor };
      },
    }),
  ];
}
