import type { Middleware } from 'koa';

/**
 * Conservative headers for an API that also serves its own docs page: nothing here is meant to be
 * framed, sniffed or to leak a referrer; the docs page loads only its own scripts and styles.
 */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    await next();
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set(
      'Content-Security-Policy',
      ctx.path === '/docs'
        ? "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
        : "default-src 'none'; frame-ancestors 'none'",
    );
  };
}
