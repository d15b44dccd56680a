/**
 * Who may call a route: public routes need nothing; user routes a valid bearer token; admin
 * routes an admin's token (anyone else gets 403, someone without a token 401). The role is read
 * from the user's row on each request, not trusted from the token: a demotion takes effect at once.
 */
import type { AccessGuard } from '../routing.js';
import { AppError } from '../../domain/errors.js';
import type { AccessTokens } from '../../services/auth/access-tokens.js';
import type { SessionCheck } from '../../services/auth/session-store.js';

export function accessGuard(tokens: AccessTokens, sessions?: SessionCheck): AccessGuard {
  return async (ctx, access) => {
    const header = ctx.get('Authorization');
    const bearer = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header)?.[1];
    if (bearer) {
      const claims = await tokens.verify(bearer);
      // Both questions at once (Postgres and Redis): one wait instead of two. The answers are read
      // account first: a suspended or banned person is told so (with accountStatus), not merely
      // that their session ended, although suspending ended it too.
      const [current, revoked] = await Promise.allSettled([
        sessions?.currentRole ? sessions.currentRole(claims.userId) : claims.role,
        sessions ? sessions.isRevoked(claims.sessionId) : false,
      ]);
      if (current.status === 'rejected') throw current.reason;
      if (revoked.status === 'rejected') throw revoked.reason;
      const role = current.value;
      if (revoked.value) {
        throw AppError.unauthenticated('This session has ended; sign in again');
      }
      if (!role) throw AppError.unauthenticated('This account no longer exists');
      ctx.state.principal = { userId: claims.userId, role, sessionId: claims.sessionId };
    } else if (header) {
      throw AppError.unauthenticated('Send the access token as "Authorization: Bearer <token>"');
    }
    if (access === 'public') return;
    if (!ctx.state.principal) throw AppError.unauthenticated();
    if (access === 'admin' && ctx.state.principal.role !== 'admin') throw AppError.forbidden('Only admins may do this');
  };
}
