/**
 * Google sign-in (OpenID Connect, authorization code with PKCE) through the OAuth2 client of the
 * official `googleapis` package. GOOGLE_API_BASE points every Google endpoint the client calls at
 * the local fake (empty means Google itself); the fake mirrors Google's paths under that base.
 *
 * `googleapis` takes over a second to load, so it is loaded on the first sign-in rather than when
 * the API starts.
 */
import type * as GoogleApis from 'googleapis';
import type { Auth } from 'googleapis';
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

let googleapis: Promise<typeof GoogleApis> | undefined;

export function createGoogleSignInClient(google: Config['google']): GoogleSignInClient {
  let client: Promise<Auth.OAuth2Client> | undefined;
  const oauth = () =>
    (client ??= (googleapis ??= import('googleapis')).then(
      ({ Auth }) =>
        new Auth.OAuth2Client({
          clientId: google.clientId,
          clientSecret: google.clientSecret,
          redirectUri: google.redirectUri,
          endpoints: googleEndpoints(google.apiBase),
          issuers: GOOGLE_ISSUERS,
        }),
    ));

  return {
    async pkce() {
      const { codeVerifier, codeChallenge } = await (await oauth()).generateCodeVerifierAsync();
      return { verifier: codeVerifier, challenge: codeChallenge! };
    },
    async authorizationUrl({ state, codeChallenge }) {
      const { Auth } = await (googleapis ??= import('googleapis'));
      return (await oauth()).generateAuthUrl({
        scope: SCOPES,
        state,
        code_challenge: codeChallenge,
        code_challenge_method: Auth.CodeChallengeMethod.S256,
        prompt: 'select_account',
        access_type: 'online',
      });
    },
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
