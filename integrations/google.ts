/**
 * Google sign-in (OpenID Connect, authorization code with PKCE) through the OAuth2 client of the
 * official `googleapis` package. GOOGLE_API_BASE points every Google endpoint the client calls at
 * the local fake (empty means Google itself); the fake mirrors Google's paths under that base.
 *
 * `googleapis` takes over a second to load, so only its auth part is loaded, on the first sign-in
 * rather than when the API starts.
 */
import type { Auth } from 'googleapis';
import type * as CalendarModule from 'googleapis/build/src/apis/calendar/index.js';
import type { Config } from '../domain/config.js';

type Endpoints = NonNullable<Auth.OAuth2ClientOptions['endpoints']>;

/** The ID token issuers Google documents; anything else is refused. */
export const GOOGLE_ISSUERS = ['accounts.google.com', 'https://accounts.google.com'];
const SCOPES = ['openid', 'email', 'profile'];

/** Google's endpoints under one base, laid out the way the local fake serves them. */
export function googleEndpoints(apiBase: string): Partial<Endpoints> {
  if (!apiBase) return {};
  const base = apiBase.replace(/\/+$/, '');
  return {
    oauth2AuthBaseUrl: `${base}/o/oauth2/v2/auth`,
    oauth2TokenUrl: `${base}/token`,
    oauth2RevokeUrl: `${base}/revoke`,
    tokenInfoUrl: `${base}/tokeninfo`,
    oauth2FederatedSignonPemCertsUrl: `${base}/oauth2/v1/certs`,
    oauth2FederatedSignonJwkCertsUrl: `${base}/oauth2/v3/certs`,
    oauth2IapPublicKeyUrl: `${base}/iap/verify/public_key`,
  };
}

/** The auth part of googleapis (its calendar module: the whole package costs a second to load). */
export type GoogleAuthModule = (typeof CalendarModule)['auth'];
let authModule: Promise<GoogleAuthModule> | undefined;

/** Loads googleapis' auth on first use, once per process. */
export function loadGoogleAuth(): Promise<GoogleAuthModule> {
  return (authModule ??= import('googleapis/build/src/apis/calendar/index.js').then((module) => module.auth));
}

/**
 * The one way this code base builds Google's OAuth2 client (sign-in, calendar consent, calendar
 * calls): this app's credentials, every endpoint under GOOGLE_API_BASE, the issuers Google documents;
 * a redirect URI for the consent flows, a deadline on each call where a person waits.
 */
export function googleOAuthClient(
  auth: GoogleAuthModule,
  google: Pick<Config['google'], 'clientId' | 'clientSecret' | 'apiBase'>,
  options: { redirectUri?: string; timeoutMs?: number } = {},
): Auth.OAuth2Client {
  return new auth.OAuth2({
    clientId: google.clientId,
    clientSecret: google.clientSecret,
    endpoints: googleEndpoints(google.apiBase),
    issuers: GOOGLE_ISSUERS,
    ...(options.redirectUri ? { redirectUri: options.redirectUri } : {}),
    ...(options.timeoutMs ? { transporterOptions: { timeout: options.timeoutMs } } : {}),
  });
}

/**
 * What Google's two consent flows (sign-in, calendar access) share: one client built on first use,
 * a fresh PKCE pair, and the consent URL for a state and a code challenge (S256).
 */
export function googleConsentFlow(
  google: Pick<Config['google'], 'clientId' | 'clientSecret' | 'apiBase'>,
  options: { redirectUri: string; timeoutMs?: number; scopes: string[]; consent: { access_type: 'online' | 'offline'; prompt: string } },
) {
  let client: Promise<Auth.OAuth2Client> | undefined;
  const oauth = () => (client ??= loadGoogleAuth().then((auth) => googleOAuthClient(auth, google, options)));
  return {
    oauth,
    async pkce(): Promise<{ verifier: string; challenge: string }> {
      const { codeVerifier, codeChallenge } = await (await oauth()).generateCodeVerifierAsync();
      return { verifier: codeVerifier, challenge: codeChallenge! };
    },
    async authorizationUrl({ state, codeChallenge }: { state: string; codeChallenge: string }): Promise<string> {
      const method = 'S256' as Auth.CodeChallengeMethod;
      return (await oauth()).generateAuthUrl({ scope: options.scopes, state, code_challenge: codeChallenge, code_challenge_method: method, ...options.consent });
    },
  };
}

/** What a verified ID token says about the person. */
export interface GoogleIdentity {
  sub: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

export class GoogleSignInError extends Error {
  override name = 'GoogleSignInError';
  constructor(
    message: string,
    /** rejected: Google (or the token) said no; unreachable: Google could not be asked. */
    readonly reason: 'rejected' | 'unreachable',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface GoogleSignInClient {
  /** A fresh PKCE verifier and its S256 challenge. */
  pkce(): Promise<{ verifier: string; challenge: string }>;
  authorizationUrl(options: { state: string; codeChallenge: string }): Promise<string>;
  /** Exchanges the code and verifies the ID token (signature, audience = our client id, issuer, expiry). */
  exchangeCode(options: { code: string; codeVerifier: string }): Promise<GoogleIdentity>;
}

export function createGoogleSignInClient(google: Config['google']): GoogleSignInClient {
  const flow = googleConsentFlow(google, { redirectUri: google.redirectUri, scopes: SCOPES, consent: { prompt: 'select_account', access_type: 'online' } });
  const { oauth } = flow;

  return {
    pkce: flow.pkce,
    authorizationUrl: flow.authorizationUrl,
    async exchangeCode({ code, codeVerifier }) {
      const oauth2 = await oauth();
      let idToken: string | null | undefined;
      try {
        ({ tokens: { id_token: idToken } } = await oauth2.getToken({ code, codeVerifier }));
      } catch (error) {
        const status = (error as { response?: { status?: number } }).response?.status;
        if (status !== undefined && status < 500) throw new GoogleSignInError('Google refused the authorization code', 'rejected', { cause: error });
        throw new GoogleSignInError('Google could not be reached to finish the sign-in', 'unreachable', { cause: error });
      }
      if (!idToken) throw new GoogleSignInError('Google returned no ID token', 'rejected');
      let payload: Auth.TokenPayload | undefined;
      try {
        payload = (await oauth2.verifyIdToken({ idToken, audience: google.clientId })).getPayload();
      } catch (error) {
        const unreachable = /Failed to retrieve verification certificates/.test((error as Error).message);
        throw new GoogleSignInError(unreachable ? 'Google certificates could not be fetched' : 'The ID token from Google is not valid', unreachable ? 'unreachable' : 'rejected', { cause: error });
      }
      if (!payload?.sub) throw new GoogleSignInError('The ID token from Google names no subject', 'rejected');
      return {
        sub: payload.sub,
        email: payload.email ?? null,
        emailVerified: payload.email_verified === true,
        name: payload.name ?? null,
      };
    },
  };
}
