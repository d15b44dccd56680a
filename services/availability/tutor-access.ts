import type { Principal } from '../../domain/principal.js';
import { AppError } from '../../domain/errors.js';

/** Availability belongs to tutors; anyone else acting on "their" availability is refused. */
export function requireTutor(principal: Principal): void {
  if (principal.role !== 'tutor') throw AppError.forbidden('Only tutors have availability');
}

/** The same wording as the profile service's, so a client learns the one fix: create the profile. */
export const noProfile = () => AppError.notFound('Your tutor profile (create it with PUT /api/me/tutor-profile)');
