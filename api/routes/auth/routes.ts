import type { Context } from 'koa';
import type { AuthServices } from '../../../services/auth/create-auth-services.js';
import type { TokenPair } from '../../../services/auth/session-store.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import {
  AcceptedSchema,
  ForgotPasswordBodySchema,
  GoogleCallbackQuerySchema,
  GoogleSignedInSchema,
  GoogleStartQuerySchema,
  GoogleStartSchema,
  LoginBodySchema,
  RefreshBodySchema,
  RegisterBodySchema,
  ResetPasswordBodySchema,
  SignedInSchema,
  TokenPairSchema,
  VerifyEmailBodySchema,
} from './schemas.js';

const TAGS = ['auth'];

export const toTokenPair = (tokens: TokenPair) => ({ tokenType: 'Bearer' as const, ...tokens });

/** Answers that carry credentials must not be stored by any cache (RFC 6749 §5.1). */
function noStore(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
}

export function authRoutes(auth: AuthServices): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/register',
      operationId: 'register',
      summary: 'Create a student or tutor account with a password, and sign in',
      description: 'Sends a link to confirm the email address. Limited per client by REGISTRATION_RATE_LIMIT.',
      tags: TAGS,
      access: 'public',
      body: RegisterBodySchema,
      responses: { 201: { description: 'The account, signed in', schema: SignedInSchema } },
      errors: [409],
      handler: async (ctx, { body }) => {
        const { account, tokens } = await auth.accounts.register(body);
        noStore(ctx);
        ctx.status = 201;
        ctx.body = { account, tokens: toTokenPair(tokens) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/login',
      operationId: 'login',
      summary: 'Sign in with email and password',
      description: 'A wrong password and an unknown email get the same 401. Limited per client by LOGIN_RATE_LIMIT.',
      tags: TAGS,
      access: 'public',
      body: LoginBodySchema,
      responses: { 200: { description: 'Signed in', schema: SignedInSchema } },
      errors: [401],
      handler: async (ctx, { body }) => {
        const { account, tokens } = await auth.accounts.login(body.email, body.password);
        noStore(ctx);
        ctx.body = { account, tokens: toTokenPair(tokens) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/refresh',
      operationId: 'refreshTokens',
      summary: 'Trade a refresh token for a new access and refresh token',
      description: 'Each refresh token works once. Presenting one that was already used ends its whole session (theft detection).',
      tags: TAGS,
      access: 'public',
      body: RefreshBodySchema,
      responses: { 200: { description: 'A new token pair', schema: TokenPairSchema } },
      errors: [401],
      handler: async (ctx, { body }) => {
        const tokens = await auth.accounts.refresh(body.refreshToken);
        noStore(ctx);
        ctx.body = toTokenPair(tokens);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/logout',
      operationId: 'logout',
      summary: 'End this sign-in session',
      description: "Its refresh token stops working at once, its access tokens on their next use, and its realtime connections close.",
      tags: TAGS,
      access: 'user',
      responses: { 204: { description: 'Signed out' } },
      handler: async (ctx) => {
        await auth.accounts.logout(ctx.state.principal!);
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
      description: 'The URL carries a single-use state bound to a PKCE verifier; the sign-in must finish before expiresAt.',
      tags: TAGS,
      access: 'public',
      query: GoogleStartQuerySchema,
      responses: { 200: { description: 'Where to send the browser', schema: GoogleStartSchema } },
      handler: async (ctx, { query }) => {
        noStore(ctx);
        ctx.body = await auth.google.start({ role: query.role, ...(query.timeZone ? { timeZone: query.timeZone } : {}) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/google/callback',
      operationId: 'finishGoogleSignIn',
      summary: 'Where Google sends the browser back: signs in, creating or linking the account',
      description:
        'An existing account with the same email is linked only when Google says the address is verified; otherwise 409. New accounts take the role asked for at start (student by default).',
      tags: TAGS,
      access: 'public',
      query: GoogleCallbackQuerySchema,
      responses: { 200: { description: 'Signed in', schema: GoogleSignedInSchema } },
      errors: [401, 409, 422, 503],
      handler: async (ctx, { query }) => {
        const { outcome, account, tokens } = await auth.google.finish(query);
        noStore(ctx);
        ctx.body = { outcome, account, tokens: toTokenPair(tokens) };
      },
    }),
  ];
}
