import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, passwordProblems } from '../../../services/auth/password-policy.js';
import { TimeZoneSchema } from '../../schemas/time-zone.js';

const email = z.string().trim().max(254).pipe(z.email()).describe('Case does not matter: Ada@example.com and ada@example.com are one account');
const opaqueToken = z.string().min(16).max(200);

export const SelfServiceRoleSchema = z.enum(['student', 'tutor']).describe('Admins are never created through the API');

export { TimeZoneSchema };

/** The length rules apply to the field alone; "not your email" needs the whole body (below). */
const newPassword = z
  .string()
  .superRefine((password, ctx) => {
    for (const message of passwordProblems(password, { email: '' })) ctx.addIssue({ code: 'custom', message });
  })
  .describe('At least 10 characters, and not your email address');

export const RegisterBodySchema = z
  .object({
    email,
    password: newPassword,
    displayName: z.string().trim().min(1).max(120),
    role: SelfServiceRoleSchema.default('student'),
    timeZone: TimeZoneSchema,
  })
  .superRefine((body, ctx) => {
    if (passwordProblems(body.password, { email: body.email }).includes('must not be your email address')) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'must not be your email address' });
    }
  });

export const LoginBodySchema = z.object({ email: z.string().trim().max(254), password: z.string().min(1).max(PASSWORD_MAX_LENGTH * 4) });
export const RefreshBodySchema = z
  .object({
    refreshToken: opaqueToken
      .optional()
      .describe('Apps: the refresh token. Browsers that chose the cookie send {} instead: the tf_refresh cookie carries it.'),
  })
  .optional();

export const TokenTransportHeadersSchema = z.object({
  'refresh-token-transport': z
    .enum(['body', 'cookie'])
    .optional()
    .describe(
      'body (default, for apps): the refresh token is in the JSON answer. cookie (for browsers): it is set as the tf_refresh cookie (HttpOnly; Secure; SameSite=Strict; Path=/api/auth/refresh) and left out of the JSON, so no script can read it.',
    ),
});

export const RefreshCookiesSchema = z.object({
  tf_refresh: opaqueToken.optional().describe('The refresh token of a browser that signed in with the cookie transport; used when the body has none'),
});

export const GoogleSignInCookiesSchema = z.object({
  tf_google_signin: z.string().max(200).optional().describe('Set by /api/auth/google/start in this browser; the callback refuses a state without it'),
});

export const ChangePasswordBodySchema = z.object({
  currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH * 4),
  newPassword: newPassword,
});

export const SessionIdParamsSchema = z.object({ id: z.uuid() });

export const SessionSchema = z
  .object({
    id: z.uuid(),
    method: z.enum(['password', 'google']).describe('How this sign-in proved who you are'),
    createdAt: z.iso.datetime(),
    lastRefreshedAt: z.iso.datetime().nullable().describe('When its refresh token was last used (null: never)'),
    expiresAt: z.iso.datetime().describe('When it ends unless refreshed again'),
    current: z.boolean().describe('The session of the access token that asked'),
  })
  .meta({ id: 'Session' });

export const SessionListSchema = z.object({ items: z.array(SessionSchema) }).meta({ id: 'SessionList' });
export const VerifyEmailBodySchema = z.object({ token: opaqueToken.describe('The token from the link in the email') });
export const ForgotPasswordBodySchema = z.object({ email });
export const ResetPasswordBodySchema = z.object({ token: opaqueToken.describe('The token from the link in the email'), password: newPassword });

export const GoogleStartQuerySchema = z.object({
  role: SelfServiceRoleSchema.default('student').describe('The role of the account if this sign-in creates one'),
  timeZone: TimeZoneSchema.optional().describe('The time zone of the account if this sign-in creates one (default UTC)'),
  tokenTransport: z
    .enum(['body', 'cookie'])
    .default('body')
    .describe('Where the callback puts the refresh token: the JSON answer, or the tf_refresh cookie (browsers; see Refresh-Token-Transport on login)'),
});

export const GoogleCallbackQuerySchema = z.object({
  state: z.string().min(1).max(200),
  code: z.string().min(1).max(2048).optional(),
  error: z.string().max(200).optional().describe('Set by Google when the person declined'),
});

export const AccountSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    emailVerified: z.boolean(),
    role: z.enum(['student', 'tutor', 'admin']),
    displayName: z.string(),
    timeZone: z.string(),
    hasPassword: z.boolean().describe('False for an account created through Google that never set a password'),
    googleLinked: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Account' });

export const TokenPairSchema = z
  .object({
    tokenType: z.literal('Bearer'),
    accessToken: z.string().describe('Send as "Authorization: Bearer <token>"; short-lived'),
    accessTokenExpiresAt: z.iso.datetime(),
    refreshToken: z
      .string()
      .optional()
      .describe(
        'Single use: POST it to /api/auth/refresh for a new pair. Using one twice ends the session. Absent when it was delivered in the tf_refresh cookie instead.',
      ),
    refreshTokenExpiresAt: z.iso.datetime(),
    sessionId: z.uuid().describe('This sign-in; logout ends it'),
  })
  .meta({ id: 'TokenPair' });

export const SignedInSchema = z.object({ account: AccountSchema, tokens: TokenPairSchema }).meta({ id: 'SignedIn' });

export const GoogleSignedInSchema = z
  .object({
    outcome: z.enum(['signed_in', 'created', 'linked']).describe('created: a new account; linked: Google was added to an existing account'),
    account: AccountSchema,
    tokens: TokenPairSchema,
  })
  .meta({ id: 'GoogleSignedIn' });

export const GoogleStartSchema = z
  .object({
    authorizationUrl: z.url().describe("Send the browser here; Google comes back to the API's callback"),
    expiresAt: z.iso.datetime().describe('The sign-in must finish before this'),
  })
  .meta({ id: 'GoogleSignInStart' });

export const AcceptedSchema = z.object({ detail: z.string() }).meta({ id: 'Accepted' });
