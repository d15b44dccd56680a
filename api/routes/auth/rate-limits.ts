import type { Config } from '../../../domain/config.js';
import type { RouteRateLimit } from '../../middleware/rate-limit.js';

/**
 * The tighter budgets of the sign-in routes, each its own counter: registration by
 * REGISTRATION_RATE_LIMIT; everything that tries a credential or sends one by email by
 * LOGIN_RATE_LIMIT.
 */
export function authRateLimits(limits: Config['rateLimits']): RouteRateLimit[] {
  return [
    { name: 'register', method: 'post', path: '/api/auth/register', policy: limits.registration },
    { name: 'login', method: 'post', path: '/api/auth/login', policy: limits.login },
    { name: 'google-callback', method: 'get', path: '/api/auth/google/callback', policy: limits.login },
    { name: 'password-forgot', method: 'post', path: '/api/auth/password/forgot', policy: limits.login },
    { name: 'password-reset', method: 'post', path: '/api/auth/password/reset', policy: limits.login },
    { name: 'password-change', method: 'post', path: '/api/auth/password/change', policy: limits.login },
    { name: 'email-verify', method: 'post', path: '/api/auth/email/verify', policy: limits.login },
  ];
}
