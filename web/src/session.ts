/**
 * Who is signed in: the account and its token pair, kept in localStorage so a reload stays signed
 * in. The access token is refreshed a minute before it expires (refresh tokens are single use, so
 * only one refresh runs at a time).
 */
import { useSyncExternalStore } from 'react';
import { createApiClient, problemMessage, unwrap, type Schemas } from '../../client/index.js';

export type Account = Schemas['Account'];
type Tokens = Schemas['TokenPair'];
export interface Session {
  account: Account;
  tokens: Tokens;
}

const KEY = 'tutorflow.session';
const REFRESH_EARLY_MS = 60_000;

let current: Session | undefined = load();
const listeners = new Set<() => void>();
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<string | undefined> | undefined;
/** Why the session ended without the person signing out (the refresh's problem detail, e.g. a suspension). */
let endedBecause: string | undefined;

export const api = createApiClient({ baseUrl: location.origin, accessToken: () => current?.tokens.accessToken });

function load(): Session | undefined {
  try {
    const text = localStorage.getItem(KEY);
    return text ? (JSON.parse(text) as Session) : undefined;
  } catch {
    return undefined;
  }
}

function set(session: Session | undefined): void {
  current = session;
  if (session) endedBecause = undefined;
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
  scheduleRefresh();
  listeners.forEach((listener) => listener());
}

function scheduleRefresh(): void {
  clearTimeout(refreshTimer);
  if (!current) return;
  const wait = Math.max(0, Date.parse(current.tokens.accessTokenExpiresAt) - Date.now() - REFRESH_EARLY_MS);
  refreshTimer = setTimeout(() => void accessToken(true), wait);
}

/** A valid access token, refreshed first when it is about to expire; undefined when signed out. */
export function accessToken(force = false): Promise<string | undefined> {
  if (!current) return Promise.resolve(undefined);
  if (!force && Date.parse(current.tokens.accessTokenExpiresAt) - Date.now() > REFRESH_EARLY_MS) return Promise.resolve(current.tokens.accessToken);
  // Tabs share the session, and a refresh token works once: one tab refreshes at a time, and a tab
  // that waited takes the pair the other one stored instead of spending the old token again.
  refreshing ??= navigator.locks.request('tutorflow-token-refresh', async () => {
    const stored = load();
    if (stored && stored.tokens.refreshToken !== current?.tokens.refreshToken) {
      current = stored;
      if (Date.parse(stored.tokens.accessTokenExpiresAt) - Date.now() > REFRESH_EARLY_MS) {
        set(stored);
        return stored.tokens.accessToken;
      }
    }
    const session = current;
    if (!session) return undefined;
    const result = await api.POST('/api/auth/refresh', { body: { refreshToken: session.tokens.refreshToken } }).catch(() => undefined);
    if (!result?.data) {
      // Network trouble: keep the session and try again soon; a refused token ends it.
      if (result && result.response.status < 500) {
        endedBecause = problemMessage(result.error, 'Your session ended; please sign in again.');
        set(undefined);
      }
      else refreshTimer = setTimeout(() => void accessToken(true), 10_000);
      return current?.tokens.accessToken;
    }
    set({ account: session.account, tokens: result.data });
    return result.data.accessToken;
  }).finally(() => (refreshing = undefined));
  return refreshing;
}

scheduleRefresh();
// Signing in or out in another tab, or its refresh, reaches this tab too.
window.addEventListener('storage', (event) => {
  if (event.key !== KEY) return;
  current = load();
  scheduleRefresh();
  listeners.forEach((listener) => listener());
});

export function useSession(): Session | undefined {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}

export async function signIn(email: string, password: string): Promise<Account> {
  const signedIn = unwrap(await api.POST('/api/auth/login', { body: { email, password } }));
  set(signedIn);
  return signedIn.account;
}

/** A sign-in finished elsewhere (Google's callback). */
export function adopt(signedIn: Session): Account {
  set({ account: signedIn.account, tokens: signedIn.tokens });
  return signedIn.account;
}

/** Sends the browser to Google (the local fake in development); it comes back to /auth/google/callback. */
export async function startGoogleSignIn(role: 'student' | 'tutor', timeZone: string): Promise<void> {
  const start = unwrap(await api.GET('/api/auth/google/start', { params: { query: { role, timeZone } }, credentials: 'include' }));
  location.assign(start.authorizationUrl);
}

export async function signUp(body: { email: string; password: string; displayName: string; role: 'student' | 'tutor'; timeZone: string }): Promise<Account> {
  const signedIn = unwrap(await api.POST('/api/auth/register', { body }));
  set(signedIn);
  return signedIn.account;
}

export async function signOut(): Promise<void> {
  const session = current;
  set(undefined);
  if (session) await api.POST('/api/auth/logout', { headers: { Authorization: `Bearer ${session.tokens.accessToken}` } }).catch(() => undefined);
}

/**
 * The server ended this session (WebSocket 4003): a refresh tells whether it is really over (401,
 * e.g. the account was suspended, with the reason in `detail`) and signs the tab out if so.
 */
export async function confirmSession(): Promise<void> {
  // The old access token's 401 names the account's status and why (a revoked refresh token only says the session ended).
  const me = await api.GET('/api/me').catch(() => undefined);
  const problem = me?.error as { accountStatus?: string } | undefined;
  if (me?.response.status === 401 && problem?.accountStatus) {
    endedBecause = problemMessage(problem);
    set(undefined);
    return;
  }
  await accessToken(true);
}

/** Why the last session ended by itself, until the next sign-in (the sign-in page shows it). */
export function endedReason(): string | undefined {
  return endedBecause;
}

/** Where each role starts. */
export function homeOf(account: Account | undefined): string {
  if (!account) return '/signin';
  if (account.role === 'admin') return '/admin';
  if (account.role === 'tutor') return '/lessons';
  return '/tutors';
}
