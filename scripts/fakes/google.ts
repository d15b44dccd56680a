/**
 * Google's OAuth 2.0 / OpenID Connect endpoints, as google-auth-library calls them, under /google
 * (the same paths as on Google, after the host):
 *   GET  /google/o/oauth2/v2/auth     the consent page: consents at once as the next queued identity
 *                                     and redirects to redirect_uri with a code (or error=access_denied)
 *   POST /google/token                code (+ PKCE verifier) → access token and an RS256 ID token, plus
 *                                     a refresh token when the consent asked for access_type=offline
 *   GET  /google/oauth2/v1/certs      the signing key, PEM by key id (Google serves X.509
 *                                     certificates here; a public-key PEM verifies the same way)
 *   GET  /google/oauth2/v3/certs      the signing key as a JWKS
 *   GET  /google/oauth2/v3/userinfo   the identity behind an access token
 *   POST /google/revoke               ends an access or refresh token it issued (400 invalid_token for
 *                                     any other); a revoked refresh token is also refused by Calendar
 *   GET|POST /google/tokeninfo
 * The RSA key is made when the fake starts and never leaves it.
 *
 * Inspection: POST /_fake/google/users { email, email_verified?, sub?, name?, decline?, tamper?, withholdRefreshToken? } queues the
 * identity the next sign-in returns (without one queued, a fixed verified developer identity);
 * GET /_fake/google/users lists the queue; DELETE /_fake/google/users empties it.
 */
import { createHash, generateKeyPairSync, randomBytes, randomInt, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { exportJWK, SignJWT } from 'jose';
import { bodyFields, type FakeRequest, type FakeService, redirect, sendJson } from './router.js';

export interface GoogleIdentity {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
  /** The person declines on the consent page: the callback gets error=access_denied. */
  decline?: boolean;
  /** The ID token comes back wrong in this one way, to see that the client checks it. */
  tamper?: 'signature' | 'audience' | 'issuer';
  /**
   * An offline grant comes back without a refresh token, as Google answers someone who granted
   * offline access before and was not asked to consent again.
   */
  withholdRefreshToken?: boolean;
}

export interface GoogleFakeOptions {
  /** Told of every refresh token revoked through /revoke (the Calendar fake stops honouring it). */
  onRevoke?: (refreshToken: string) => void;
}

export interface GoogleFake extends FakeService {
  /** Queues the identity the next sign-in returns; fills in sub and name when left out. */
  queueIdentity(identity: Partial<GoogleIdentity> & { email: string }): GoogleIdentity;
  /** The issuer the ID tokens carry. */
  issuer: string;
}

const PREFIX = '/google';
const ISSUER = 'https://accounts.google.com';
const CODE_TTL_MS = 10 * 60_000;
const TOKEN_TTL_S = 3_599;
const DEVELOPER_IDENTITY: GoogleIdentity = { sub: '100000000000000000001', email: 'dev.student@example.test', email_verified: true, name: 'Dev Student' };

interface IssuedCode {
  identity: GoogleIdentity;
  clientId: string;
  redirectUri: string;
  scope: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  nonce?: string;
  /** access_type=offline: the token answer carries a refresh token. */
  offline: boolean;
  expiresAt: number;
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');
const newSecret = (prefix: string) => `${prefix}${base64url(randomBytes(24))}`;

function completeIdentity(input: Partial<GoogleIdentity> & { email: string }): GoogleIdentity {
  return {
    sub: input.sub ?? `1${Array.from({ length: 20 }, () => randomInt(10)).join('')}`,
    email: input.email,
    email_verified: input.email_verified ?? true,
    name: input.name ?? input.email.split('@')[0]!,
    ...(input.decline ? { decline: true } : {}),
    ...(input.tamper ? { tamper: input.tamper } : {}),
    ...(input.withholdRefreshToken ? { withholdRefreshToken: true } : {}),
  };
}

/** The client may authenticate in the form body or with HTTP Basic (google-auth-library's ClientSecretBasic). */
function clientCredentials(request: FakeRequest, fields: Record<string, unknown>): { clientId?: string; clientSecret?: string } {
  const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (basic) {
    const [clientId, clientSecret] = Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent);
    return { clientId, clientSecret };
  }
  return { clientId: fields.client_id as string | undefined, clientSecret: fields.client_secret as string | undefined };
}

export function createGoogleFake(options: GoogleFakeOptions = {}): GoogleFake {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyId = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 40);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  let queue: GoogleIdentity[] = [];
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, { identity: GoogleIdentity; clientId: string; scope: string; expiresAt: number }>();
  /** Refresh tokens issued and not revoked, with the access tokens issued beside them (revoked with them). */
  const refreshTokens = new Map<string, { accessTokens: Set<string> }>();

  // Signs tampered tokens: same key id, another key, as a forger would.
  const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  const signIdToken = (code: IssuedCode, key: KeyObject) =>
    new SignJWT({
      azp: code.clientId,
      email: code.identity.email,
      email_verified: code.identity.email_verified,
      name: code.identity.name,
      ...(code.nonce ? { nonce: code.nonce } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: keyId, typ: 'JWT' })
      .setIssuer(code.identity.tamper === 'issuer' ? 'https://accounts.example.test' : ISSUER)
      .setAudience(code.identity.tamper === 'audience' ? 'someone-else.apps.googleusercontent.com' : code.clientId)
      .setSubject(code.identity.sub)
      .setIssuedAt()
      .setExpirationTime(`${TOKEN_TTL_S}s`)
      .sign(key);

  const oauthError = (response: ServerResponse, status: number, error: string, description: string) =>
    sendJson(response, status, { error, error_description: description });

  return {
    name: 'google',
    issuer: ISSUER,
    queueIdentity(identity) {
      const complete = completeIdentity(identity);
      queue.push(complete);
      return complete;
    },
    reset() {
      queue = [];
      codes.clear();
      accessTokens.clear();
      refreshTokens.clear();
    },
    routes: [
      {
        method: 'GET',
        path: `${PREFIX}/o/oauth2/v2/auth`,
        handler: (request, response) => {
          const q = request.query;
          const clientId = q.get('client_id');
          const redirectUri = q.get('redirect_uri');
          if (!clientId || !redirectUri) return oauthError(response, 400, 'invalid_request', 'client_id and redirect_uri are required');
          if (q.get('response_type') !== 'code') return oauthError(response, 400, 'unsupported_response_type', 'only response_type=code is faked');
          const scope = q.get('scope') ?? '';
          if (!scope.split(' ').includes('openid')) return oauthError(response, 400, 'invalid_scope', 'the openid scope is required');
          const method = q.get('code_challenge_method') ?? undefined;
          if (q.get('code_challenge') && method !== 'S256' && method !== 'plain') return oauthError(response, 400, 'invalid_request', 'unknown code_challenge_method');

          const identity = queue.shift() ?? DEVELOPER_IDENTITY;
          const target = new URL(redirectUri);
          const state = q.get('state');
          if (identity.decline) {
            target.searchParams.set('error', 'access_denied');
          } else {
            const code = newSecret('4/0fake-');
            codes.set(code, {
              identity,
              clientId,
              redirectUri,
              scope,
              ...(q.get('code_challenge') ? { codeChallenge: q.get('code_challenge')!, codeChallengeMethod: method ?? 'plain' } : {}),
              ...(q.get('nonce') ? { nonce: q.get('nonce')! } : {}),
              offline: q.get('access_type') === 'offline',
              expiresAt: Date.now() + CODE_TTL_MS,
            });
            target.searchParams.set('code', code);
            target.searchParams.set('scope', scope);
          }
          if (state) target.searchParams.set('state', state);
          redirect(response, target.toString());
        },
      },
      {
        method: 'POST',
        path: `${PREFIX}/token`,
        handler: async (request, response) => {
          const fields = bodyFields(request);
          if (fields.grant_type !== 'authorization_code') return oauthError(response, 400, 'unsupported_grant_type', 'only authorization_code is faked');
          const code = typeof fields.code === 'string' ? codes.get(fields.code) : undefined;
          // A code works once, like Google's.
          if (typeof fields.code === 'string') codes.delete(fields.code);
          if (!code || code.expiresAt < Date.now()) return oauthError(response, 400, 'invalid_grant', 'Malformed auth code.');
          const { clientId, clientSecret } = clientCredentials(request, fields);
          if (clientId !== code.clientId || !clientSecret) return oauthError(response, 401, 'invalid_client', 'The OAuth client was not found.');
          if (fields.redirect_uri !== code.redirectUri) return oauthError(response, 400, 'redirect_uri_mismatch', 'Bad Request');
          if (code.codeChallenge) {
            const verifier = typeof fields.code_verifier === 'string' ? fields.code_verifier : '';
            const expected = code.codeChallengeMethod === 'S256' ? base64url(createHash('sha256').update(verifier).digest()) : verifier;
            if (!verifier || expected !== code.codeChallenge) return oauthError(response, 400, 'invalid_grant', 'Invalid code verifier.');
          }
          const accessToken = newSecret('ya29.fake-');
          accessTokens.set(accessToken, { identity: code.identity, clientId: code.clientId, scope: code.scope, expiresAt: Date.now() + TOKEN_TTL_S * 1000 });
          const refreshToken = code.offline && !code.identity.withholdRefreshToken ? newSecret('1//fake-') : undefined;
          if (refreshToken) refreshTokens.set(refreshToken, { accessTokens: new Set([accessToken]) });
          sendJson(response, 200, {
            access_token: accessToken,
            ...(refreshToken ? { refresh_token: refreshToken } : {}),
            expires_in: TOKEN_TTL_S,
            scope: code.scope,
            token_type: 'Bearer',
            id_token: await signIdToken(code, code.identity.tamper === 'signature' ? strangerKey : privateKey),
          });
        },
      },
      {
        method: 'GET',
        path: `${PREFIX}/oauth2/v1/certs`,
        // No max-age: clients fetch the key again each time, so a restarted fake (new key) is picked up at once.
        handler: (_request, response) => sendJson(response, 200, { [keyId]: publicPem }, { 'Cache-Control': 'no-cache' }),
      },
      {
        method: 'GET',
        path: `${PREFIX}/oauth2/v3/certs`,
        handler: async (_request, response) =>
          sendJson(response, 200, { keys: [{ ...(await exportJWK(publicKey)), kid: keyId, alg: 'RS256', use: 'sig' }] }, { 'Cache-Control': 'no-cache' }),
      },
      {
        method: 'GET',
        path: `${PREFIX}/oauth2/v3/userinfo`,
        handler: (request, response) => {
          const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
          const grant = token ? accessTokens.get(token) : undefined;
          if (!grant || grant.expiresAt < Date.now()) return oauthError(response, 401, 'invalid_token', 'Invalid Credentials');
          const { sub, email, email_verified, name } = grant.identity;
          sendJson(response, 200, { sub, email, email_verified, name });
        },
      },
      ...(['GET', 'POST'] as const).map((method) => ({
        method,
        path: `${PREFIX}/tokeninfo`,
        handler: (request: FakeRequest, response: ServerResponse) => {
          const token = request.query.get('access_token') ?? /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
          const grant = token ? accessTokens.get(token) : undefined;
          if (!grant) return oauthError(response, 400, 'invalid_token', 'Invalid Value');
          sendJson(response, 200, {
            aud: grant.clientId,
            azp: grant.clientId,
            sub: grant.identity.sub,
            scope: grant.scope,
            email: grant.identity.email,
            email_verified: String(grant.identity.email_verified),
            expires_in: Math.max(0, Math.floor((grant.expiresAt - Date.now()) / 1000)),
          });
        },
      })),
      {
        method: 'POST',
        path: `${PREFIX}/revoke`,
        handler: (request, response) => {
          const token = request.query.get('token') ?? (bodyFields(request).token as string | undefined);
          const refresh = token ? refreshTokens.get(token) : undefined;
          if (!token || (!refresh && !accessTokens.has(token))) return oauthError(response, 400, 'invalid_token', 'Token expired or revoked');
          accessTokens.delete(token);
          if (refresh) {
            // Like Google: revoking a refresh token ends the access tokens of the same grant.
            for (const accessToken of refresh.accessTokens) accessTokens.delete(accessToken);
            refreshTokens.delete(token);
            options.onRevoke?.(token);
          }
          sendJson(response, 200, {});
        },
      },
      {
        method: 'POST',
        path: '/_fake/google/users',
        handler: (request, response) => {
          const fields = bodyFields(request) as Partial<GoogleIdentity>;
          if (typeof fields.email !== 'string' || !fields.email.includes('@')) return sendJson(response, 400, { error: 'email is required' });
          const identity = completeIdentity({ ...fields, email: fields.email });
          queue.push(identity);
          sendJson(response, 201, identity);
        },
      },
      { method: 'GET', path: '/_fake/google/users', handler: (_request, response) => sendJson(response, 200, { queued: queue }) },
      {
        method: 'DELETE',
        path: '/_fake/google/users',
        handler: (_request, response) => {
          queue = [];
          sendJson(response, 200, { queued: [] });
        },
      },
    ],
  };
}
