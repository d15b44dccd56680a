/**
 * The two cookies of sign-in, for browsers. Both are HttpOnly (no script reads them, so an XSS
 * cannot steal what they hold), Secure, and scoped to the one path that reads them.
 * - tf_refresh: the refresh token, for browsers that ask for it (header Refresh-Token-Transport:
 *   cookie), sent only to /api/auth/refresh and never cross-site (SameSite=Strict). Apps keep
 *   getting it in the JSON body.
 * - tf_google_signin: binds a Google sign-in to the browser that started it; SameSite=Lax, so it
 *   comes back on Google's top-level redirect to the callback, and lives as long as the state.
 *
 * Written by hand rather than with ctx.cookies.set: Koa refuses to set a Secure cookie on a plain
 * HTTP request, which is what the API sees behind a TLS-terminating proxy or on localhost.
 */
import type { Context } from 'koa';
import type { TokenPair } from '../../../services/auth/session-store.js';

export const REFRESH_COOKIE = 'tf_refresh';
export const REFRESH_COOKIE_PATH = '/api/auth/refresh';
export const GOOGLE_SIGN_IN_COOKIE = 'tf_google_signin';
export const GOOGLE_SIGN_IN_COOKIE_PATH = '/api/auth/google';

/** Whether the client asked for its refresh token in a cookie rather than in the JSON body. */
export type TokenTransport = 'body' | 'cookie';

function setCookie(ctx: Context, name: string, value: string, path: string, sameSite: 'Strict' | 'Lax', expiresAt: Date): void {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  ctx.append('Set-Cookie', `${name}=${value}; Path=${path}; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=${sameSite}`);
}

function clearCookie(ctx: Context, name: string, path: string, sameSite: 'Strict' | 'Lax'): void {
  ctx.append('Set-Cookie', `${name}=; Path=${path}; Max-Age=0; HttpOnly; Secure; SameSite=${sameSite}`);
}

export const readCookie = (ctx: Context, name: string): string | undefined => ctx.cookies.get(name) || undefined;

export const setGoogleSignInCookie = (ctx: Context, binding: string, expiresAt: Date) =>
  setCookie(ctx, GOOGLE_SIGN_IN_COOKIE, binding, GOOGLE_SIGN_IN_COOKIE_PATH, 'Lax', expiresAt);

export const clearGoogleSignInCookie = (ctx: Context) => clearCookie(ctx, GOOGLE_SIGN_IN_COOKIE, GOOGLE_SIGN_IN_COOKIE_PATH, 'Lax');

export const clearRefreshCookie = (ctx: Context) => clearCookie(ctx, REFRESH_COOKIE, REFRESH_COOKIE_PATH, 'Strict');

/**
 * The token pair as the answer carries it. With the cookie transport the refresh token goes into
 * the tf_refresh cookie and is left out of the body, so no script on the page ever sees it.
 */
export function deliverTokens(ctx: Context, tokens: TokenPair, transport: TokenTransport) {
  const { refreshToken, ...rest } = tokens;
  if (transport === 'body') return { tokenType: 'Bearer' as const, ...rest, refreshToken };
  setCookie(ctx, REFRESH_COOKIE, refreshToken, REFRESH_COOKIE_PATH, 'Strict', tokens.refreshTokenExpiresAt);
  return { tokenType: 'Bearer' as const, ...rest };
}
