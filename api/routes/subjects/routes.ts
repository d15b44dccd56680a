/** The subject catalogue tutors teach from and students search by. */
import { defineRoute, type RouteSpec } from '../../routing.js';
import type { SubjectCatalog } from '../../../services/profiles/subject-catalog.js';
import { SubjectTreeSchema } from './schemas.js';

export function subjectRoutes(subjects: SubjectCatalog): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/subjects',
      operationId: 'listSubjects',
      summary: 'The subject taxonomy, as a tree',
      tags: ['subjects'],
      access: 'public',
      responses: { 200: { description: 'Top-level areas with their subjects', schema: SubjectTreeSchema } },
      handler: async (ctx) => {
        ctx.body = { items: await subjects.tree() };
      },
    }),
  ];
}
