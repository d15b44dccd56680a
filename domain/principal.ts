import { AppError } from './errors.js';

/** The identity a verified access token carries: who is calling, in every layer that acts for them. */
export interface Principal {
  userId: string;
  role: 'student' | 'tutor' | 'admin';
  /** The sign-in session (refresh-token family) the access token belongs to. */
  sessionId: string;
}

/** The first line of every admin-only service method: anyone else is refused (403), whatever the route said. */
export function requireAdmin(principal: Principal, detail = 'Only admins may do this'): void {
  if (principal.role !== 'admin') throw AppError.forbidden(detail);
}
