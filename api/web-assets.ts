/**
 * Serves the built web app (web/dist, from `npm run web:build`) at every GET outside the API's own
 * paths: a file when one matches, else index.html, so the app's routes survive a reload. Hashed
 * files under /assets/ are cached for good; index.html never, so a deploy reaches every browser.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** From the sources (api/) and from the compiled output (dist/api/). */
const CANDIDATES = [path.resolve(HERE, '../web/dist'), path.resolve(HERE, '../../web/dist')];

/** The API's own paths: never answered with the web app. */
const API_PREFIXES = ['/api/', '/ws', '/docs', '/openapi.json', '/health', '/metrics'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

export function findWebAssets(): string | undefined {
  return CANDIDATES.find((dir) => existsSync(path.join(dir, 'index.html')));
}

function isApiPath(urlPath: string): boolean {
  return API_PREFIXES.some((prefix) => urlPath === prefix.replace(/\/$/, '') || urlPath.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`));
}

/**
 * Stripe.js (payments.ts in the app: 3-D Secure and the Payment Element, with a publishable key),
 * as Stripe's CSP guide lists it: its script, its iframes and its API.
 */
const STRIPE_JS = { script: 'https://js.stripe.com', frame: 'https://js.stripe.com https://hooks.stripe.com', connect: 'https://api.stripe.com' };

export interface WebAppOptions {
  /**
   * The origin browsers PUT uploads to (presigned URLs: S3_PUBLIC_ENDPOINT, else S3_ENDPOINT), the
   * one other origin the page may connect to; not a wildcard.
   */
  objectStorageOrigin?: string;
}

export function serveWebApp(root: string, options: WebAppOptions = {}): Middleware {
  const base = path.resolve(root);
  const storage = options.objectStorageOrigin ? ` ${new URL(options.objectStorageOrigin).origin}` : '';
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || isApiPath(ctx.path)) return next();
    let file = path.resolve(base, `.${decodeURIComponent(ctx.path)}`);
    if (!file.startsWith(`${base}${path.sep}`) || !(await stat(file).catch(() => undefined))?.isFile()) file = path.join(base, 'index.html');
    const extension = path.extname(file);
    const html = extension === '.html';
    ctx.type = TYPES[extension] ?? 'application/octet-stream';
    ctx.set('Cache-Control', html ? 'no-cache' : file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    // Same-origin API and WebSocket, object storage for uploads, Stripe.js; no inline scripts or styles.
    const ws = `ws://${ctx.host} wss://${ctx.host}`;
    ctx.set(
      'Content-Security-Policy',
      `default-src 'self'; script-src 'self' ${STRIPE_JS.script}; frame-src ${STRIPE_JS.frame}; img-src 'self' data:; connect-src 'self' ${ws}${storage} ${STRIPE_JS.connect}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
    );
    ctx.body = await readFile(file);
  };
}
