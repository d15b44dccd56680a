/**
 * Connecting and disconnecting a Google Calendar through the API, against the Google fake over HTTP:
 * start → Google's consent page (the fake consents at once) → our callback, which stores the refresh
 * token sealed; the booking's calendar activity then writes lessons with it; disconnecting removes
 * the link and revokes the grant at Google.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendarActivities, type CalendarActivities } from '../../../activities/booking/calendar.js';
import { GoogleCalendarLinkRepository } from '../../../db/repositories/google-calendar-link-repository.js';
import { calendarEventId, GoogleCalendar, GoogleCalendarError } from '../../../integrations/google-calendar.js';
import { SEAL_PURPOSES, SecretBox } from '../../../platform/crypto/secret-box.js';
import { runActivity } from '../booking-activities/support.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startTestFakes, type TestFakes } from '../../support/fakes.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { callApi, type Json } from '../../support/http.js';

const CALENDAR_EVENTS_SCOPE = 'https://www.googleapis.com/auth/calendar.events';
const BOOKING_ID = '5d1e7c2a-3b4f-4a6e-8c9d-0e1f2a3b4c5d';

let fakes: TestFakes;
let api: RunningApi;
let box: SecretBox;
let links: GoogleCalendarLinkRepository;
let activities: CalendarActivities;

beforeAll(async () => {
  fakes = await startTestFakes();
  api = await startTestApi(fakes.overrides);
  box = new SecretBox(api.config.secretKey, SEAL_PURPOSES.googleRefreshToken);
  links = new GoogleCalendarLinkRepository(api.container.resources.db);
  // The worker builds the same thing (activities/booking/activities.ts); the API config already points at the fake.
  activities = createCalendarActivities({ links, tokens: box, calendar: new GoogleCalendar(api.config.google) });
});
afterAll(async () => {
  await api?.close();
  await fakes?.close();
});

const newUser = (role: 'student' | 'tutor' = 'student') => createTestUser(api.container.resources.db, api.config, role);

const call = (method: string, path: string, user?: TestUser) => callApi(api.baseUrl, method, path, { user });

/** /start as `user` → Google's consent page → the callback path and query Google sends the browser to. */
async function consent(user: TestUser): Promise<{ authorizationUrl: URL; callback: string }> {
  const start = await call('GET', '/api/me/calendar/google/start', user);
  expect(start.status, JSON.stringify(start.body)).toBe(200);
  const authorizationUrl = new URL(start.body.authorizationUrl);
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  expect(page.status).toBe(302);
  const back = new URL(page.headers.get('location')!);
  expect(back.pathname).toBe('/api/me/calendar/google/callback');
  return { authorizationUrl, callback: `${back.pathname}${back.search}` };
}

/** The whole connection, as the browser would make it (the callback carries no bearer token). */
async function connect(user: TestUser): Promise<{ status: number; body: Json }> {
  const { callback } = await consent(user);
  return call('GET', callback);
}

async function storedLink(userId: string): Promise<{ refresh_token_encrypted: string; calendar_id: string } | undefined> {
  return api.container.resources.db('google_calendar_links').where({ user_id: userId }).first();
}

function lesson(userIds: string[]) {
  return {
    bookingId: BOOKING_ID,
    userIds,
    summary: 'Lesson: Chemistry',
    description: 'Chemistry, booked on Tutorflow.',
    start: '2031-05-02T14:00:00.000Z',
    end: '2031-05-02T15:00:00.000Z',
  };
}

describe('connecting a Google Calendar', () => {
  it('sends the browser to Google for offline access to calendar events, with a state and a PKCE challenge', async () => {
    const user = await newUser();
    const start = await call('GET', '/api/me/calendar/google/start', user);
    expect(start.status).toBe(200);
    expect(start.headers.get('cache-control')).toBe('no-store');
    expect(Date.parse(start.body.expiresAt)).toBeGreaterThan(Date.now());
    const url = new URL(start.body.authorizationUrl);
    expect(url.toString().startsWith(`${fakes.fakes.url}/google/o/oauth2/v2/auth`)).toBe(true);
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['openid', 'email', CALENDAR_EVENTS_SCOPE]));
    expect(url.searchParams.get('redirect_uri')).toBe(api.config.google.calendarRedirectUri);
    expect(url.searchParams.get('client_id')).toBe(api.config.google.clientId);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('stores the refresh token sealed, and the booking calendar activity then writes the lesson to that calendar', async () => {
    const user = await newUser();
    expect((await call('GET', '/api/me/calendar', user)).body).toEqual({ connected: false, connectedAt: null, calendarId: null });
    // Before connecting, the activity has nobody to write for.
    await runActivity(activities.syncCalendars, lesson([user.id]));

    const connected = await connect(user);
    expect(connected.status, JSON.stringify(connected.body)).toBe(200);
    expect(connected.body).toEqual({ connected: true, calendarId: 'primary' });

    const row = await storedLink(user.id);
    expect(row?.calendar_id).toBe('primary');
    expect(row!.refresh_token_encrypted).toMatch(/^v1\./);
    const refreshToken = box.open(row!.refresh_token_encrypted);
    expect(refreshToken).toMatch(/^1\/\/fake-/);
    expect(row!.refresh_token_encrypted).not.toContain(refreshToken);

    const status = await call('GET', '/api/me/calendar', user);
    expect(status.body).toMatchObject({ connected: true, calendarId: 'primary' });
    expect(Date.parse(status.body.connectedAt)).not.toBeNaN();

    await runActivity(activities.syncCalendars, lesson([user.id]));
    expect(fakes.fakes.googleCalendar.events(refreshToken)).toEqual([
      expect.objectContaining({ id: calendarEventId(BOOKING_ID), calendarId: 'primary', status: 'confirmed', summary: 'Lesson: Chemistry', start: { dateTime: '2031-05-02T14:00:00.000Z' } }),
    ]);
  });

  it('connecting again replaces the grant', async () => {
    const user = await newUser();
    expect((await connect(user)).status).toBe(200);
    const first = box.open((await storedLink(user.id))!.refresh_token_encrypted);
    expect((await connect(user)).status).toBe(200);
    const second = box.open((await storedLink(user.id))!.refresh_token_encrypted);
    expect(second).not.toBe(first);
    expect(await api.container.resources.db('google_calendar_links').where({ user_id: user.id })).toHaveLength(1);
  });

  it('refuses a state used twice', async () => {
    const user = await newUser();
    const { callback } = await consent(user);
    expect((await call('GET', callback)).status).toBe(200);
    await links.delete(user.id);

    const again = await call('GET', callback);
    expect(again.status).toBe(400);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body.errors).toEqual([expect.objectContaining({ path: 'query.state' })]);
    expect(await storedLink(user.id)).toBeUndefined();
  });

  it('refuses an unknown state', async () => {
    const answer = await call('GET', '/api/me/calendar/google/callback?state=not-a-state-we-issued&code=4/0fake-whatever');
    expect(answer.status).toBe(400);
    expect(answer.body.type).toBe('urn:tutorflow:problem:invalid-input');
  });

  it("does not let another signed-in user finish someone else's connection", async () => {
    const owner = await newUser();
    const other = await newUser('tutor');
    const { callback } = await consent(owner);

    const refused = await call('GET', callback, other);
    expect(refused.status).toBe(400);
    expect(await storedLink(owner.id)).toBeUndefined();
    expect(await storedLink(other.id)).toBeUndefined();
    // Seen by someone else, the state is spent: the owner starts again.
    expect((await call('GET', callback)).status).toBe(400);
    expect(await storedLink(owner.id)).toBeUndefined();
  });

  it("cannot redeem one user's authorization code with another user's state (PKCE)", async () => {
    const victim = await newUser();
    const attacker = await newUser();
    const { authorizationUrl: victimStart } = await consent(victim);
    const { callback: attackerCallback } = await consent(attacker);
    const mixed = new URL(attackerCallback, api.baseUrl);
    mixed.searchParams.set('state', victimStart.searchParams.get('state')!);

    const refused = await call('GET', `${mixed.pathname}${mixed.search}`);
    expect(refused.status).toBe(401);
    expect(await storedLink(victim.id)).toBeUndefined();
    expect(await storedLink(attacker.id)).toBeUndefined();
  });

  it('answers 409 when Google grants no refresh token, and stores nothing', async () => {
    const user = await newUser();
    const queued = await fetch(`${fakes.fakes.url}/_fake/google/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: user.email, withholdRefreshToken: true }),
    });
    expect(queued.status).toBe(201);

    const answer = await connect(user);
    expect(answer.status).toBe(409);
    expect(answer.body.type).toBe('urn:tutorflow:problem:conflict');
    expect(answer.body.detail).toMatch(/connect again/);
    expect(await storedLink(user.id)).toBeUndefined();
  });

  it('answers 401 when the person declines on the consent page', async () => {
    const user = await newUser();
    await fetch(`${fakes.fakes.url}/_fake/google/users`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: user.email, decline: true }) });
    const answer = await connect(user);
    expect(answer.status).toBe(401);
    expect(answer.body.detail).toMatch(/access_denied/);
    expect(await storedLink(user.id)).toBeUndefined();
  });
});

describe('disconnecting', () => {
  it('removes the link and revokes the grant at Google', async () => {
    const user = await newUser();
    expect((await connect(user)).status).toBe(200);
    const refreshToken = box.open((await storedLink(user.id))!.refresh_token_encrypted);

    const answer = await call('DELETE', '/api/me/calendar', user);
    expect(answer.status).toBe(204);
    expect(await storedLink(user.id)).toBeUndefined();
    expect((await call('GET', '/api/me/calendar', user)).body).toEqual({ connected: false, connectedAt: null, calendarId: null });

    // Google no longer honours the grant.
    const refused = await new GoogleCalendar(api.config.google)
      .upsertEvent(refreshToken, 'primary', { id: calendarEventId(BOOKING_ID), summary: 'x', description: 'x', start: '2031-05-02T14:00:00.000Z', end: '2031-05-02T15:00:00.000Z' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GoogleCalendarError);
    expect((refused as GoogleCalendarError).grantLost).toBe(true);
    // And the booking activity has nobody to write for.
    await runActivity(activities.syncCalendars, lesson([user.id]));
    expect(fakes.fakes.googleCalendar.events(refreshToken)).toEqual([]);
  });

  it('still removes the link when Google refuses the revocation', async () => {
    const user = await newUser();
    // A grant Google never issued (or one already revoked there): its revoke endpoint answers 400.
    await links.upsert({ userId: user.id, refreshTokenEncrypted: box.seal('1//never-issued-by-google') });

    expect((await call('DELETE', '/api/me/calendar', user)).status).toBe(204);
    expect(await storedLink(user.id)).toBeUndefined();
  });

  it('succeeds when nothing is connected, and leaves other users connected', async () => {
    const connected = await newUser();
    const other = await newUser();
    expect((await connect(connected)).status).toBe(200);
    expect((await call('DELETE', '/api/me/calendar', other)).status).toBe(204);
    expect(await storedLink(connected.id)).toBeDefined();
  });
});

describe('without a token', () => {
  it.each([
    ['GET', '/api/me/calendar'],
    ['DELETE', '/api/me/calendar'],
    ['GET', '/api/me/calendar/google/start'],
  ])('%s %s answers 401', async (method, path) => {
    const answer = await call(method, path);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  });
});
