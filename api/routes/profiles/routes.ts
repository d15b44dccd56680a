/** The caller's own tutor or student profile and their avatar. */
import { defineRoute, type RouteSpec } from '../../routing.js';
import type { ProfileServices } from '../../../services/profiles/profile-services.js';
import { ReplaceTutorProfileSchema, TutorProfileSchema, UpdateTutorProfileSchema } from '../tutors/profile-schemas.js';
import { AvatarSchema, SetAvatarSchema, StudentProfileSchema, UpdateStudentProfileSchema } from './schemas.js';

export function profileRoutes(profiles: ProfileServices): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/me/tutor-profile',
      operationId: 'getMyTutorProfile',
      summary: 'Your tutor profile, published or not',
      tags: ['profiles'],
      access: 'user',
      responses: { 200: { description: 'The profile', schema: TutorProfileSchema } },
      errors: [403, 404],
      handler: async (ctx) => {
        ctx.body = await profiles.tutors.getMine(ctx.state.principal!);
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/me/tutor-profile',
      operationId: 'replaceMyTutorProfile',
      summary: 'Create or replace your tutor profile',
      description: 'Fields left out take their defaults. Publishing needs a headline, a bio, at least one subject and one language (else 422).',
      tags: ['profiles'],
      access: 'user',
      body: ReplaceTutorProfileSchema,
      responses: { 200: { description: 'The saved profile', schema: TutorProfileSchema } },
      errors: [403, 422],
      handler: async (ctx, { body }) => {
        ctx.body = await profiles.tutors.save(ctx.state.principal!, body, 'replace');
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/me/tutor-profile',
      operationId: 'updateMyTutorProfile',
      summary: 'Change some fields of your tutor profile (creating it needs a rate and currency)',
      tags: ['profiles'],
      access: 'user',
      body: UpdateTutorProfileSchema,
      responses: { 200: { description: 'The saved profile', schema: TutorProfileSchema } },
      errors: [403, 422],
      handler: async (ctx, { body }) => {
        ctx.body = await profiles.tutors.save(ctx.state.principal!, body, 'merge');
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/me/student-profile',
      operationId: 'getMyStudentProfile',
      summary: 'Your student profile',
      tags: ['profiles'],
      access: 'user',
      responses: { 200: { description: 'The profile', schema: StudentProfileSchema } },
      errors: [403],
      handler: async (ctx) => {
        ctx.body = await profiles.students.get(ctx.state.principal!);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/me/student-profile',
      operationId: 'updateMyStudentProfile',
      summary: 'Change your student profile',
      tags: ['profiles'],
      access: 'user',
      body: UpdateStudentProfileSchema,
      responses: { 200: { description: 'The saved profile', schema: StudentProfileSchema } },
      errors: [403],
      handler: async (ctx, { body }) => {
        ctx.body = await profiles.students.update(ctx.state.principal!, body);
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/me/avatar',
      operationId: 'setMyAvatar',
      summary: 'Use one of your uploaded images as your avatar',
      description: 'The file must be yours, uploaded with purpose "avatar" and confirmed. Tutors need a profile first.',
      tags: ['profiles'],
      access: 'user',
      body: SetAvatarSchema,
      responses: { 200: { description: 'The avatar now shown on your profile', schema: AvatarSchema } },
      errors: [403, 404, 409, 422],
      handler: async (ctx, { body }) => {
        ctx.body = await profiles.avatars.setAvatar(ctx.state.principal!, body.fileId);
      },
    }),
  ];
}
