import type { Middleware } from 'koa';

/**
 * Conservative headers for an API that also serves its own docs page: nothing here is meant to be
 * framed, sniffed or to leak a referrer; the docs page loads only its own scripts and styles.
 *
 * Set before anything else runs, so every answer carries them: errors (400, 401, 403, 404, 429,
 * 500) as much as successes. The problem-details middleware, which writes the error answers, runs
 * inside this one and never clears headers.
 */
export function securityHeaders(): Middleware {
  return (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set(
      'Content-Security-Policy',
      ctx.path === '/docs'
        ? "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
        : "default-src 'none'; frame-ancestors 'none'",
    );
    return next();
  };
}
