/**
 * The Zoom meeting activities against the Zoom fake, over HTTP: Server-to-Server OAuth with a cached
 * token, create/update/delete, and a create retried after a crash that reuses the meeting.
 */
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMeetingActivities, MEETING_FAILURE_TYPES, type MeetingActivities } from '../../../activities/booking/meetings.js';
import type { MeetingInput } from '../../../activities/booking/types.js';
import { ZoomClient, ZoomError } from '../../../integrations/zoom.js';
import { startFakes, type RunningFakes } from '../../../scripts/fakes/index.js';
import type { ZoomFake } from '../../../scripts/fakes/zoom.js';
import { testConfig } from '../../support/harness.js';
import { failureOf, runActivity } from './support.js';

const config = testConfig();
let fakes: RunningFakes;
let fake: ZoomFake;
/** The client's clock, so a test can let its cached token age. */
let clock = Date.parse('2031-03-01T08:00:00Z');
const now = () => clock;

function zoomClient(): ZoomClient {
  return new ZoomClient({
    ...config.zoom,
    apiBase: fakes.env.ZOOM_API_BASE!,
    oauthBase: fakes.env.ZOOM_OAUTH_BASE!,
    now,
  });
}

function lesson(bookingId: string, start = '2031-03-10T15:00:00.000Z', end = '2031-03-10T16:30:00.000Z'): MeetingInput {
  return { bookingId, topic: 'Algebra with Ada', start, end, timeZone: 'Europe/Paris' };
}

let activities: MeetingActivities;

beforeAll(async () => {
  fakes = await startFakes();
  fake = fakes.zoom;
});

afterAll(async () => {
  await fakes?.close();
});

beforeEach(() => {
  fake.reset();
  clock = Date.parse('2031-03-01T08:00:00Z');
  activities = createMeetingActivities({ zoom: zoomClient() });
});

describe('createMeeting', () => {
  it('creates a scheduled meeting with the lesson time, length, zone and the booking in its agenda', async () => {
    const meeting = await runActivity(activities.createMeeting, lesson('b-create'));

    const [stored, ...others] = fake.state().meetings;
    expect(others).toHaveLength(0);
    expect(stored).toMatchObject({
      type: 2,
      topic: 'Algebra with Ada',
      start_time: '2031-03-10T15:00:00Z',
      duration: 90,
      timezone: 'Europe/Paris',
      settings: { waiting_room: true, join_before_host: false },
    });
    expect(stored!.agenda).toContain('[tutorflow-booking:b-create]');
    expect(meeting).toEqual({ meetingId: String(stored!.id), joinUrl: stored!.join_url });
  });

  it('buys one access token and reuses it until shortly before it expires', async () => {
    await runActivity(activities.createMeeting, lesson('b-token-1'));
    await runActivity(activities.createMeeting, lesson('b-token-2'));
    await runActivity(activities.deleteMeeting, { bookingId: 'b-token-1', meetingId: String(fake.state().meetings[0]!.id) });
    expect(fake.state().tokensIssued).toBe(1);

    // The fake's tokens last 3599 s; 59 minutes later the cached one is within its renewal margin.
    clock += 3_540_000;
    await runActivity(activities.createMeeting, lesson('b-token-3'));
    expect(fake.state().tokensIssued).toBe(2);
  });

  it('renews a token Zoom stopped accepting, once, and carries on', async () => {
    await runActivity(activities.createMeeting, lesson('b-revoked-1'));
    // The fake forgets every token it issued, as when Zoom revokes them early.
    const meetingsBefore = fake.state().meetings;
    fake.reset();
    await runActivity(activities.createMeeting, lesson('b-revoked-2'));
    expect(meetingsBefore).toHaveLength(1);
    expect(fake.state().meetings.map((meeting) => meeting.agenda)).toEqual([expect.stringContaining('b-revoked-2')]);
    expect(fake.state().tokensIssued).toBe(1);
  });

  it('retried after a crash that lost the answer, reuses the meeting already made for the booking', async () => {
    const first = await runActivity(activities.createMeeting, lesson('b-crash'));
    await runActivity(activities.createMeeting, lesson('b-other'));
    // The worker died before the workflow recorded `first`; Temporal runs the activity again.
    const retried = await runActivity(createMeetingActivities({ zoom: zoomClient() }).createMeeting, lesson('b-crash'));

    expect(retried).toEqual(first);
    expect(fake.state().meetings.filter((meeting) => meeting.agenda.includes('b-crash'))).toHaveLength(1);
    expect(fake.state().meetings).toHaveLength(2);
  });

  it('finds the earlier meeting across pages of the upcoming list', async () => {
    const zoom = zoomClient();
    // More meetings than one page of 300 holds, the booking's own among the last.
    for (let i = 0; i < 301; i++) {
      await zoom.createMeeting({ topic: `other ${i}`, startTime: '2031-03-05T10:00:00Z', durationMinutes: 30, timeZone: 'UTC', agenda: `other ${i}` });
    }
    const first = await runActivity(activities.createMeeting, lesson('b-paged', '2031-04-01T10:00:00.000Z', '2031-04-01T11:00:00.000Z'));
    const retried = await runActivity(activities.createMeeting, lesson('b-paged', '2031-04-01T10:00:00.000Z', '2031-04-01T11:00:00.000Z'));
    expect(retried.meetingId).toBe(first.meetingId);
    expect(fake.state().meetings).toHaveLength(302);
  });

  it('throws Zoom outages as retryable errors, and a refused request as a non-retryable failure', async () => {
    fake.failNext(1, 503);
    const outage = await failureOf(activities.createMeeting, lesson('b-outage'));
    expect(outage).toBeInstanceOf(ZoomError);
    expect(outage).not.toBeInstanceOf(ApplicationFailure);
    expect((outage as ZoomError).retryable).toBe(true);
    expect(fake.state().meetings).toHaveLength(0);

    const refused = await failureOf(activities.createMeeting, { ...lesson('b-bad-zone'), timeZone: 'Mars/Olympus_Mons' });
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ type: MEETING_FAILURE_TYPES.rejected, nonRetryable: true });
  });
});

describe('updateMeeting', () => {
  it('moves the meeting to the new time and length', async () => {
    const { meetingId } = await runActivity(activities.createMeeting, lesson('b-move'));
    await runActivity(activities.updateMeeting, { ...lesson('b-move', '2031-03-12T09:00:00.000Z', '2031-03-12T10:00:00.000Z'), meetingId });

    expect(fake.state().meetings).toEqual([expect.objectContaining({ id: Number(meetingId), start_time: '2031-03-12T09:00:00Z', duration: 60 })]);
  });

  it('fails non-retryably with ZoomMeetingNotFound when the meeting was deleted at Zoom', async () => {
    const failure = await failureOf(activities.updateMeeting, { ...lesson('b-gone'), meetingId: '81999999999' });
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: MEETING_FAILURE_TYPES.notFound, nonRetryable: true });
  });
});

describe('deleteMeeting', () => {
  it('deletes the meeting, and deleting it again succeeds', async () => {
    const { meetingId } = await runActivity(activities.createMeeting, lesson('b-delete'));
    await runActivity(activities.deleteMeeting, { bookingId: 'b-delete', meetingId });
    await runActivity(activities.deleteMeeting, { bookingId: 'b-delete', meetingId });

    expect(fake.state().meetings).toHaveLength(0);
    expect(fake.state().deletedMeetingIds).toEqual([Number(meetingId)]);
  });
});
