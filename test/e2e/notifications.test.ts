/**
 * Notification settings in the browser, on the real stack: Lena switches her emails and
 * notifications to German and turns reminder emails off on her notifications page; the student's
 * next request then arrives live on that page in German (through the worker, Redis and the
 * WebSocket), and the API holds what she saved.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMO_STUDENT, DEMO_TUTORS } from '../../scripts/demo-data/demo-people.js';
import { signIn } from './support/browser.js';
import { browserSuite, expectAccessible, restAs } from './support/journey.js';

const LENA = DEMO_TUTORS.find((tutor) => tutor.email.startsWith('lena@'))!;
const suite = browserSuite();
const lenaId = () => suite.stack.seed.accounts.find((account) => account.email === LENA.email)!.userId;

describe('notification settings in the browser', () => {
  it('saves a language and a channel, and the next request arrives live in that language', async () => {
    const lena = await suite.person(LENA.timeZone);
    await signIn(lena, LENA.email, LENA.password);
    await lena.getByRole('link', { name: 'Notifications' }).click();
    await lena.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await lena.locator('.live-open').waitFor();

    await lena.getByLabel('Language of your emails and notifications').selectOption('de');
    await lena.getByLabel('Lesson reminders by email').uncheck();
    expect(await lena.getByLabel('Account security by email').isDisabled()).toBe(true);
    await lena.getByRole('button', { name: 'Save' }).click();
    await lena.getByText('Saved.').waitFor();
    await expectAccessible(lena);
    const preferences = await (await restAs(suite.stack.baseUrl, LENA.email, LENA.password))('GET', '/api/notifications/preferences');
    expect(preferences.body.language).toBe('de');
    expect(preferences.body.kinds).toContainEqual({ kind: 'lesson.reminder', inApp: true, email: false, emailRequired: false });

    const student = await restAs(suite.stack.baseUrl, DEMO_STUDENT.email, DEMO_STUDENT.password);
    const from = new Date().toISOString().slice(0, 10);
    const to = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const slots = await student('GET', `/api/tutors/${lenaId()}/slots?from=${from}&to=${to}&timeZone=UTC&length=60`);
    const start = (slots.body.slots as { start: string }[]).at(-1)!.start;
    const created = await student('POST', '/api/bookings', { tutorId: lenaId(), start, lengthMinutes: 60, paymentMethodId: 'pm_card_visa' }, { 'idempotency-key': randomUUID() });
    expect([201, 202]).toContain(created.status);

    // Live, with no reload, in German.
    const item = lena.locator('.notification.unread', { hasText: 'Eine neue Stundenanfrage' });
    await item.waitFor({ timeout: 30_000 });
    await item.getByRole('link', { name: 'Open the booking' }).waitFor();
    await expectAccessible(lena);
  });
});
