/**
 * Rate limits per client, before any route runs: a general budget for every /api request (health
 * checks and webhooks excepted, see EXEMPT) and tighter budgets for routes that guess
 * credentials or create accounts. The client is the signed-in user when the request carries a
 * valid access token (so people behind one NAT do not share a budget), else the IP address (which
 * Koa reads from X-Forwarded-For outside development, where the API runs behind a proxy).
 */
import type { Context, Middleware } from 'koa';
import type { RateLimit } from '../../domain/config.js';
import { AppError } from '../../domain/errors.js';
import { rateLimitRefusals } from '../../integrations/telemetry/metrics.js';
import type { AccessTokens } from '../../services/auth/access-tokens.js';
import type { AppState } from '../context.js';
import type { HttpMethod } from '../routing.js';
import type { RateLimiter } from './rate-limit-store.js';

export interface RouteRateLimit {
  /** Names the counter; each route its own. */
  name: string;
  method: HttpMethod;
  path: string;
  policy: RateLimit;
}

export interface RateLimitOptions {
  limiter: RateLimiter;
  tokens: AccessTokens;
  general: RateLimit;
  routes: RouteRateLimit[];
}

/**
 * Health checks (load balancers poll them) and provider webhooks (signature-checked, sent from a
 * few shared IPs in bursts the provider retries on its own; a 429 would only delay payments).
 */
const EXEMPT = /^\/api\/(health|webhooks)(\/|$)/;

/**
 * The path as the limits see it: lower case, no trailing slashes, no empty segments. The router
 * answers only the canonical spelling, but the limits must not depend on that: /API/auth/login/
 * and //api//auth/login count against the same budgets as /api/auth/login.
 */
export function limitPath(path: string): string {
  return path.toLowerCase().replace(/\/{2,}/g, '/').replace(/(.)\/+$/, '$1');
}

async function clientKey(ctx: Context, tokens: AccessTokens): Promise<string> {
  const bearer = /^Bearer (\S+)$/.exec(ctx.get('Authorization'))?.[1];
  if (bearer) {
    try {
      return `user:${(await tokens.verify(bearer)).userId}`;
    } catch {
      // An invalid token is the access guard's business; this request counts against its address.
    }
  }
  return `ip:${ctx.ip}`;
}

function refuse(policy: RateLimit, retryAfterMs: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError('rate_limited', `Too many requests: the limit is ${policy.limit} per ${policy.windowMs / 1000} s; retry in ${retryAfterSeconds} s`, {
    retryAfterSeconds,
  });
}

export function rateLimits(options: RateLimitOptions): Middleware<AppState> {
  const byRoute = new Map(options.routes.map((route) => [`${route.method.toUpperCase()} ${limitPath(route.path)}`, route]));
  return async (ctx, next) => {
    const path = limitPath(ctx.path);
    if (!(path === '/api' || path.startsWith('/api/')) || EXEMPT.test(path)) return next();
    const client = await clientKey(ctx, options.tokens);

    const general = await options.limiter.hit('general', client, options.general);
    if (!general.allowed) {
      rateLimitRefusals.inc({ limit: 'general' });
      throw refuse(options.general, general.retryAfterMs);
    }
    const route = byRoute.get(`${ctx.method} ${path}`);
    if (route) {
      const decision = await options.limiter.hit(route.name, client, route.policy);
      if (!decision.allowed) {
        rateLimitRefusals.inc({ limit: route.name });
        throw refuse(route.policy, decision.retryAfterMs);
      }
      ctx.set('RateLimit-Limit', String(decision.limit));
      ctx.set('RateLimit-Remaining', String(decision.remaining));
    } else {
      ctx.set('RateLimit-Limit', String(general.limit));
      ctx.set('RateLimit-Remaining', String(general.remaining));
    }
    return next();
  };
}
