/**
 * Tutors' and schedules' journeys in the browser, on the real stack: Lena takes a day off and it
 * disappears from the student's open page of free times; the student proposes a new time for a
 * lesson and Lena accepts it, each seeing it on their own clock with its zone; a chat catches up
 * after the student's connection drops and comes back; Lena's notification bell counts a new request
 * live and clears when she reads them; Lena uploads a verification PDF (straight to object storage,
 * the origin the served CSP names) and an admin finds and opens it in the queue.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN, DEMO_STUDENT, DEMO_TUTORS } from '../../scripts/demo-data/demo-people.js';
import { eventually } from '../support/booking-stack.js';
import { signIn } from './support/browser.js';
import { browserSuite, docShot, expectAccessible, restAs } from './support/journey.js';

const LENA = DEMO_TUTORS.find((tutor) => tutor.email.startsWith('lena@'))!;
const STUDENT_ZONE = 'America/Chicago';
const suite = browserSuite();
const lenaId = () => suite.stack.seed.accounts.find((account) => account.email === LENA.email)!.userId;
const as = (person: { email: string; password: string }) => restAs(suite.stack.baseUrl, person.email, person.password);
let lena: Page;

/** An instant as a datetime-local value on `zone`'s clock: YYYY-MM-DDTHH:MM. */
function wallClock(iso: string, zone: string): string {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const part = Object.fromEntries(format.formatToParts(new Date(iso)).map(({ type, value }) => [type, value]));
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}`;
}

/** Lena's free starts over the next week (instants, ISO). */
async function lenaSlots(zone: string): Promise<string[]> {
  const student = await as(DEMO_STUDENT);
  const from = new Date().toISOString().slice(0, 10);
  const to = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  const { body } = await student('GET', `/api/tutors/${lenaId()}/slots?from=${from}&to=${to}&timeZone=${encodeURIComponent(zone)}&length=60`);
  return (body.slots as { start: string }[]).map((slot) => slot.start);
}

describe('tutors and schedules in the browser', () => {
  it('takes a day Lena blocks off the student’s free times, live', async () => {
    // Both on Lena's clock here, so "a day" is the same day for both.
    const starts = await lenaSlots(LENA.timeZone);
    const days = starts.map((start) => wallClock(start, LENA.timeZone).slice(0, 10));
    const blocked = days.find((day) => day > days[0]!)!;
    const student = await suite.person(LENA.timeZone);
    await signIn(student, DEMO_STUDENT.email, DEMO_STUDENT.password);
    await student.goto(`/tutors/${lenaId()}`);
    lena = await suite.person(LENA.timeZone, { width: 390, height: 844 });
    await signIn(lena, LENA.email, LENA.password);
    const dayLegend = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${blocked}T12:00:00Z`));
    const day = student.locator('fieldset.day', { has: student.locator('legend', { hasText: dayLegend }) });
    await day.locator('button.slot').first().waitFor();

    await lena.getByRole('link', { name: 'Availability' }).click();
    const form = lena.getByRole('form', { name: 'Add a day off or extra hours' });
    await form.getByLabel('Date (your zone)').fill(blocked);
    await form.getByLabel('Kind').selectOption('off');
    await form.getByRole('button', { name: 'Add' }).click();
    await lena.getByText(new RegExp(`^${blocked}: off all day`)).waitFor();
    await expectAccessible(lena);

    // The student's open page hears availability.changed and reloads its slots: the day is gone.
    await day.waitFor({ state: 'detached', timeout: 20_000 });
    expect(await student.locator('button.slot').count()).toBeGreaterThan(0);
    await expectAccessible(student);
    await student.close();
  });

  it('lets the student propose a new time that Lena accepts, each on their own clock with its zone', async () => {
    const starts = await lenaSlots(STUDENT_ZONE);
    const [first, later] = [starts[0]!, starts.at(-1)!];
    const asStudent = await as(DEMO_STUDENT);
    const created = await asStudent('POST', '/api/bookings', { tutorId: lenaId(), start: first, lengthMinutes: 60, paymentMethodId: 'pm_card_visa' }, { 'idempotency-key': randomUUID() });
    expect([201, 202]).toContain(created.status);
    const bookingId = created.body.bookingId as string;
    const asLena = await as(LENA);
    await eventually(() => asLena('GET', `/api/bookings/${bookingId}`), (response) => response.body.status === 'REQUESTED');
    expect([200, 202]).toContain((await asLena('POST', `/api/bookings/${bookingId}/accept`, {})).status);
    await eventually(() => asLena('GET', `/api/bookings/${bookingId}`), (response) => response.body.status === 'SCHEDULED');

    const student = await suite.person(STUDENT_ZONE);
    await signIn(student, DEMO_STUDENT.email, DEMO_STUDENT.password);
    await student.goto(`/bookings/${bookingId}`);
    await student.getByLabel(`New start (${STUDENT_ZONE})`).fill(wallClock(later, STUDENT_ZONE));
    await student.getByRole('button', { name: 'Propose new time' }).click();
    const inZone = (iso: string, zone: string) =>
      `${new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: zone }).format(new Date(iso))} (${zone})`;
    await student.getByText(`You proposed ${inZone(later, STUDENT_ZONE)}; waiting for an answer.`).waitFor();
    await expectAccessible(student);

    // In-app navigation on Lena's long-lived page: a full reload while its token refresh is in
    // flight would lose the rotated refresh token (README "Web app", known limits).
    await lena.getByRole('link', { name: 'Requests & lessons' }).click();
    await lena.locator(`[data-booking-id="${bookingId}"] a`).first().click();
    await lena.getByText(`New time proposed: ${inZone(later, LENA.timeZone)}.`).waitFor();
    await expectAccessible(lena);
    await docShot(lena, 'reschedule-proposal');
    await lena.getByRole('button', { name: 'Accept the new time' }).click();
    // The workflow moves the lesson; both pages follow it on their own, each on its own clock.
    await lena.getByRole('heading', { level: 1, name: `Lesson on ${inZone(later, LENA.timeZone)}` }).waitFor({ timeout: 30_000 });
    await student.getByRole('heading', { level: 1, name: `Lesson on ${inZone(later, STUDENT_ZONE)}` }).waitFor({ timeout: 30_000 });
    await student.close();
  });

  it('catches the chat up after the student’s connection drops and comes back', async () => {
    const student = await suite.person(STUDENT_ZONE);
    // Every WebSocket the page opens, so the test can cut it as a lost network would.
    await student.context().addInitScript({
      content: `{
        const Native = window.WebSocket;
        window.__sockets = [];
        window.WebSocket = class extends Native {
          constructor(...args) { super(...args); window.__sockets.push(this); }
        };
      }`,
    });
    await signIn(student, DEMO_STUDENT.email, DEMO_STUDENT.password);
    await student.goto(`/messages?with=${lenaId()}`);
    await student.waitForURL(/\/messages\/[0-9a-f-]{36}$/);
    await lena.getByRole('link', { name: 'Messages' }).click();
    await lena.getByRole('link', { name: DEMO_STUDENT.displayName }).click();
    await lena.getByRole('heading', { name: `Chat with ${DEMO_STUDENT.displayName}` }).waitFor();
    expect(new URL(lena.url()).pathname).toBe(new URL(student.url()).pathname);
    await student.locator('.live-open').waitFor();

    await student.context().setOffline(true);
    await student.evaluate('window.__sockets.forEach((socket) => socket.close())');
    await student.locator('.live-open').waitFor({ state: 'detached' });
    for (const text of ['Are you still there?', 'I moved our lesson, see the booking']) {
      await lena.getByLabel('Message', { exact: true }).fill(text);
      await lena.getByRole('button', { name: 'Send' }).click();
      await lena.getByText(text).waitFor();
    }
    expect(await student.getByText('Are you still there?').count()).toBe(0);

    await student.context().setOffline(false);
    await student.locator('.live-open').waitFor({ timeout: 30_000 });
    // Caught up over REST after the reconnect, in order, and read (Lena sees the receipt).
    await student.getByText('I moved our lesson, see the booking').waitFor();
    const texts = await student.locator('.message.theirs p').allTextContents();
    expect(texts.slice(-2)).toEqual(['Are you still there?', 'I moved our lesson, see the booking']);
    await lena.getByTestId('read-receipt').waitFor();
    await expectAccessible(student);
  });

  it('rings Lena’s bell live when a request arrives, and clears it when she reads her notifications', async () => {
    const badge = lena.getByTestId('unread-notifications');
    const unread = async () => ((await badge.count()) === 0 ? 0 : Number.parseInt((await badge.textContent()) ?? '0', 10));
    const before = await unread();
    const [start] = await lenaSlots('UTC');
    const asStudent = await as(DEMO_STUDENT);
    const created = await asStudent('POST', '/api/bookings', { tutorId: lenaId(), start, lengthMinutes: 60, paymentMethodId: 'pm_card_visa' }, { 'idempotency-key': randomUUID() });
    expect([201, 202]).toContain(created.status);
    // notification.new over her open WebSocket: the count goes up without a reload.
    await expect.poll(unread, { timeout: 30_000 }).toBe(before + 1);

    await lena.getByRole('link', { name: /^Notifications/ }).click();
    const newest = lena.getByRole('list', { name: 'Notifications, newest first' }).getByRole('listitem').first();
    await newest.getByText('new', { exact: true }).waitFor();
    await newest.getByRole('link', { name: 'Open the booking' }).waitFor();
    expect(await newest.getByText(/\((Europe\/Berlin)\)$/).count()).toBe(1);
    await expectAccessible(lena);
    await docShot(lena, 'notifications-phone');
    await lena.getByRole('button', { name: 'Mark all read' }).click();
    await badge.waitFor({ state: 'detached' });
    await newest.getByText('new', { exact: true }).waitFor({ state: 'detached' });
  });

  it('lets Lena upload a verification PDF that an admin finds and opens in the queue', async () => {
    // Last: a document in review makes Lena's verification pending.
    await lena.getByRole('link', { name: 'Profile' }).click();
    await lena.getByLabel('Headline').waitFor();
    await lena.getByLabel('Document', { exact: true }).selectOption('qualification');
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    await lena.getByLabel(/^File \(PDF, PNG or JPEG/).setInputFiles({ name: 'teaching-diploma.pdf', mimeType: 'application/pdf', buffer: pdf });
    await lena.getByRole('button', { name: 'Send for verification' }).click();
    await lena.getByText(/^Sent: an admin reviews it/).waitFor();
    await lena.getByText(/^Qualification: pending/).waitFor();
    await expectAccessible(lena);

    const admin = await suite.person(DEMO_ADMIN.timeZone);
    await signIn(admin, DEMO_ADMIN.email, DEMO_ADMIN.password);
    await admin.goto('/admin/verification');
    const entry = admin.getByRole('listitem').filter({ has: admin.getByRole('heading', { name: `${LENA.displayName}: qualification` }) });
    await entry.waitFor();
    await expectAccessible(admin);
    await docShot(admin, 'verification-queue');
    // A new tab on the short-lived URL, object storage's own, which serves the bytes Lena sent.
    const storage = new URL(suite.stack.booking.api.config.storage.publicEndpoint ?? suite.stack.booking.api.config.storage.endpoint).origin;
    const fetched = admin.context().waitForEvent('request', (request) => request.url().startsWith(`${storage}/`));
    await entry.getByRole('button', { name: `Open the qualification document of ${LENA.displayName}` }).click();
    const download = (await fetched).url();
    expect(Buffer.from(await (await fetch(download)).arrayBuffer()).subarray(0, 8).toString()).toBe('%PDF-1.4');
  });
});
