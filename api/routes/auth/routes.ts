import type { Context } from 'koa';
import type { AuthServices } from '../../../services/auth/create-auth-services.js';
import { AppError } from '../../../domain/errors.js';
import { signInDevice, type SignInDevice } from '../../../services/auth/sign-in-device.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import {
  clearGoogleSignInCookie,
  clearRefreshCookie,
  deliverTokens,
  GOOGLE_SIGN_IN_COOKIE,
  readCookie,
  REFRESH_COOKIE,
  setGoogleSignInCookie,
  type TokenTransport,
} from './cookies.js';
import {
  AcceptedSchema,
  ChangePasswordBodySchema,
  ForgotPasswordBodySchema,
  GoogleCallbackQuerySchema,
  GoogleSignedInSchema,
  GoogleStartQuerySchema,
  GoogleSignInCookiesSchema,
  GoogleStartSchema,
  LoginBodySchema,
  RefreshBodySchema,
  RefreshCookiesSchema,
  RegisterBodySchema,
  ResetPasswordBodySchema,
  SessionIdParamsSchema,
  SessionListSchema,
  SignedInSchema,
  TokenPairSchema,
  TokenTransportHeadersSchema,
  VerifyEmailBodySchema,
} from './schemas.js';

const TAGS = ['auth'];

const transportOf = (headers: Record<string, string>): TokenTransport => (headers['refresh-token-transport'] === 'cookie' ? 'cookie' : 'body');

const REFRESH_SET_COOKIE = 'tf_refresh=<refresh token>; Path=/api/auth/refresh; Max-Age=<until it expires>; HttpOnly; Secure; SameSite=Strict (cookie transport only)';

const COOKIE_TRANSPORT =
  ' Browsers send `Refresh-Token-Transport: cookie` to get the refresh token as an HttpOnly; Secure; SameSite=Strict cookie (tf_refresh, Path=/api/auth/refresh) instead of in the JSON.';

/** Answers that carry credentials must not be stored by any cache (RFC 6749 §5.1). */
function noStore(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
}

/** The device a sign-in comes from (its user agent and network): a new one is alerted by email. */
const deviceOf = (ctx: Context): SignInDevice => signInDevice(ctx.get('user-agent'), ctx.ip);

export function authRoutes(auth: AuthServices): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/register',
      operationId: 'register',
      summary: 'Create a student or tutor account with a password, and sign in',
      description: `Sends a link to confirm the email address. Limited per client by REGISTRATION_RATE_LIMIT.${COOKIE_TRANSPORT}`,
      tags: TAGS,
      access: 'public',
      headers: TokenTransportHeadersSchema,
      body: RegisterBodySchema,
      responses: { 201: { description: 'The account, signed in', schema: SignedInSchema, headers: { 'Set-Cookie': REFRESH_SET_COOKIE } } },
      errors: [409],
      handler: async (ctx, { body, headers }) => {
        const { account, tokens } = await auth.accounts.register(body, deviceOf(ctx));
        noStore(ctx);
        ctx.status = 201;
        ctx.body = { account, tokens: deliverTokens(ctx, tokens, transportOf(headers)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/login',
      operationId: 'login',
      summary: 'Sign in with email and password',
      description: `A wrong password and an unknown email get the same 401. Limited per client by LOGIN_RATE_LIMIT.${COOKIE_TRANSPORT}`,
      tags: TAGS,
      access: 'public',
      headers: TokenTransportHeadersSchema,
      body: LoginBodySchema,
      responses: { 200: { description: 'Signed in', schema: SignedInSchema, headers: { 'Set-Cookie': REFRESH_SET_COOKIE } } },
      errors: [401],
      handler: async (ctx, { body, headers }) => {
        const { account, tokens } = await auth.accounts.login(body.email, body.password, deviceOf(ctx));
        noStore(ctx);
        ctx.body = { account, tokens: deliverTokens(ctx, tokens, transportOf(headers)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/refresh',
      operationId: 'refreshTokens',
      summary: 'Trade a refresh token for a new access and refresh token',
      description:
        'Each refresh token works once. Presenting one that was already used ends its whole session (theft detection), except that the last one used, ' +
        'presented again within REFRESH_TOKEN_REUSE_INTERVAL of its use (a page reloaded while its own refresh was in flight, two tabs), gets the same next refresh token and a new access token. ' +
        'Apps send it in the body and get the next one in the body. Browsers that signed in with the cookie transport send {} with the tf_refresh cookie ' +
        '(HttpOnly; Secure; SameSite=Strict; Path=/api/auth/refresh) and get the next one as that cookie (Set-Cookie), never in the JSON; a refused cookie is cleared.',
      tags: TAGS,
      access: 'public',
      body: RefreshBodySchema,
      cookies: RefreshCookiesSchema,
      responses: {
        200: { description: 'A new token pair (the refresh token in the body, or in the tf_refresh cookie)', schema: TokenPairSchema, headers: { 'Set-Cookie': REFRESH_SET_COOKIE } },
      },
      errors: [401],
      handler: async (ctx, { body }) => {
        noStore(ctx);
        const fromBody = body?.refreshToken;
        const fromCookie = fromBody ? undefined : readCookie(ctx, REFRESH_COOKIE);
        if (!fromBody && !fromCookie) throw AppError.unauthenticated(`No refresh token: send it in the body, or the ${REFRESH_COOKIE} cookie`);
        try {
          ctx.body = deliverTokens(ctx, await auth.accounts.refresh((fromBody ?? fromCookie)!), fromBody ? 'body' : 'cookie');
        } catch (error) {
          if (fromCookie) clearRefreshCookie(ctx);
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/logout',
      operationId: 'logout',
      summary: 'End this sign-in session',
      description:
        'Its refresh token stops working at once, its access tokens on their next use, and its realtime connections close. The tf_refresh cookie, if any, is cleared.',
      tags: TAGS,
      access: 'user',
      responses: { 204: { description: 'Signed out', headers: { 'Set-Cookie': 'tf_refresh=; Path=/api/auth/refresh; Max-Age=0 (clears it)' } } },
      handler: async (ctx) => {
        await auth.accounts.logout(ctx.state.principal!);
        clearRefreshCookie(ctx);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/password/change',
      operationId: 'changePassword',
      summary: 'Change the password of the signed-in account',
      description:
        'Needs the current password. Ends every other session of the account (their refresh tokens stop at once, their access tokens on next use, their sockets close); this one stays signed in. Limited per client by LOGIN_RATE_LIMIT.',
      tags: TAGS,
      access: 'user',
      body: ChangePasswordBodySchema,
      responses: { 204: { description: 'The password is changed' } },
      errors: [409],
      handler: async (ctx, { body }) => {
        await auth.accounts.changePassword(ctx.state.principal!, body.currentPassword, body.newPassword);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/sessions',
      operationId: 'listSessions',
      summary: 'The sign-in sessions of your account that can still be used',
      description: 'Newest first; `current` marks the session of the access token that asked.',
      tags: TAGS,
      access: 'user',
      responses: { 200: { description: 'Your live sessions', schema: SessionListSchema } },
      handler: async (ctx) => {
        const principal = ctx.state.principal!;
        noStore(ctx);
        ctx.body = { items: await auth.sessions.listLive(principal.userId, principal.sessionId) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/auth/sessions/:id',
      operationId: 'revokeSession',
      summary: 'End one of your sessions (a lost phone, a shared computer)',
      description:
        'Its refresh token stops working at once, its access tokens on their next use, and its realtime connections close. A session of another account, an ended or unknown one answers 404.',
      tags: TAGS,
      access: 'user',
      params: SessionIdParamsSchema,
      responses: { 204: { description: 'The session is ended' } },
      errors: [404],
      handler: async (ctx, { params }) => {
        await auth.sessions.revokeOwn(ctx.state.principal!.userId, params.id);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/email/verify',
      operationId: 'verifyEmail',
      summary: 'Confirm an email address with the token from the emailed link',
      tags: TAGS,
      access: 'public',
      body: VerifyEmailBodySchema,
      responses: { 204: { description: 'The address is verified' } },
      handler: async (ctx, { body }) => {
        await auth.verification.verify(body.token);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/email/verification',
      operationId: 'resendEmailVerification',
      summary: 'Send a new email verification link to the signed-in account',
      description: 'At most one link a minute is sent; asking again sooner is accepted and does nothing.',
      tags: TAGS,
      access: 'user',
      responses: { 202: { description: 'A link is on its way', schema: AcceptedSchema } },
      errors: [409],
      handler: async (ctx) => {
        await auth.accounts.resendVerification(ctx.state.principal!);
        ctx.status = 202;
        ctx.body = { detail: 'A new link is on its way' };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/password/forgot',
      operationId: 'requestPasswordReset',
      summary: 'Email a password reset link',
      description: 'Answers the same whether or not an account uses the address.',
      tags: TAGS,
      access: 'public',
      body: ForgotPasswordBodySchema,
      responses: { 202: { description: 'Accepted', schema: AcceptedSchema } },
      handler: async (ctx, { body }) => {
        await auth.passwordReset.request(body.email);
        ctx.status = 202;
        ctx.body = { detail: 'If an account uses this address, a reset link is on its way' };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/password/reset',
      operationId: 'resetPassword',
      summary: 'Choose a new password with the token from the emailed link',
      description: 'Ends every session of the account.',
      tags: TAGS,
      access: 'public',
      body: ResetPasswordBodySchema,
      responses: { 204: { description: 'The password is changed; sign in with it' } },
      handler: async (ctx, { body }) => {
        await auth.passwordReset.reset(body.token, body.password);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/google/start',
      operationId: 'startGoogleSignIn',
      summary: "Begin signing in with Google: returns Google's consent URL",
      description:
        'The URL carries a single-use state bound to a PKCE verifier and to this browser: the answer sets the tf_google_signin cookie (HttpOnly; Secure; SameSite=Lax; Path=/api/auth/google; as long-lived as the state), which the callback requires, so a callback URL from someone else\'s sign-in does nothing in your browser. Call it from the browser that will follow the URL (same site as the API, with credentials). The sign-in must finish before expiresAt.',
      tags: TAGS,
      access: 'public',
      query: GoogleStartQuerySchema,
      cookies: GoogleSignInCookiesSchema,
      responses: {
        200: {
          description: 'Where to send the browser',
          schema: GoogleStartSchema,
          headers: { 'Set-Cookie': 'tf_google_signin=<browser binding>; Path=/api/auth/google; Max-Age=<OAUTH_STATE_TTL>; HttpOnly; Secure; SameSite=Lax' },
        },
      },
      handler: async (ctx, { query }) => {
        noStore(ctx);
        const started = await auth.google.start(
          { role: query.role, tokenTransport: query.tokenTransport, ...(query.timeZone ? { timeZone: query.timeZone } : {}) },
          readCookie(ctx, GOOGLE_SIGN_IN_COOKIE),
        );
        setGoogleSignInCookie(ctx, started.browserBinding, started.expiresAt);
        ctx.body = { authorizationUrl: started.authorizationUrl, expiresAt: started.expiresAt };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/google/callback',
      operationId: 'finishGoogleSignIn',
      summary: 'Where Google sends the browser back: signs in, creating or linking the account',
      description:
        'Needs the tf_google_signin cookie set by /start in this browser; without it (another browser, or expired) the state is spent and the answer is 400. ' +
        'An existing account with the same email is linked only when Google says the address is verified; otherwise 409. New accounts take the role asked for at start (student by default). ' +
        'With tokenTransport=cookie at start, the refresh token is set as the tf_refresh cookie instead of being in the JSON.',
      tags: TAGS,
      access: 'public',
      query: GoogleCallbackQuerySchema,
      cookies: GoogleSignInCookiesSchema,
      responses: {
        200: { description: 'Signed in', schema: GoogleSignedInSchema, headers: { 'Set-Cookie': `tf_google_signin cleared (Max-Age=0); with the cookie transport also ${REFRESH_SET_COOKIE}` } },
      },
      errors: [401, 409, 422, 503],
      handler: async (ctx, { query }) => {
        const { outcome, account, tokens, tokenTransport } = await auth.google.finish(query, readCookie(ctx, GOOGLE_SIGN_IN_COOKIE), deviceOf(ctx));
        noStore(ctx);
        clearGoogleSignInCookie(ctx);
        ctx.body = { outcome, account, tokens: deliverTokens(ctx, tokens, tokenTransport) };
      },
    }),
  ];
}
