/**
 * Cards in the browser, on the real stack with the Stripe fake: a new student saves a card from the
 * page (the fake's card form confirms the SetupIntent and attaches the card to their customer, as
 * Stripe does) and books with it; then saves the 3-D Secure test card, books with it, completes the
 * bank's challenge in the page, and the booking goes on to the tutor (the fake delivers Stripe's
 * signed webhook to the API, which signals the workflow); a failed challenge fails the payment; the
 * student books weekly lessons on the saved card, sees each week on their clock and skips one; and
 * takes the free trial Lena offers, with no card at all, once.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_TUTORS } from '../../scripts/demo-data/demo-people.js';
import { browserSuite, docShot, expectAccessible, restAs, signUp } from './support/journey.js';

const LENA = DEMO_TUTORS.find((tutor) => tutor.email.startsWith('lena@'))!;
const suite = browserSuite();
let student: Page;

async function saveCard(label: RegExp, challenge?: 'Complete authentication'): Promise<void> {
  await student.goto('/cards');
  await student.getByRole('button', { name: 'Add a card' }).click();
  // Stripe's card form (the fake's hosted page in development), on Stripe's origin.
  await student.waitForURL((url) => url.origin === suite.stack.booking.stripe.url);
  await student.getByRole('heading', { name: 'Save a card' }).waitFor();
  await expectAccessible(student);
  await student.getByLabel(label).check();
  await student.getByRole('button', { name: 'Save card' }).click();
  if (challenge) {
    await student.getByRole('heading', { name: '3D Secure 2 test page' }).waitFor();
    await student.getByRole('button', { name: challenge }).click();
  }
  await student.waitForURL((url) => url.pathname === '/cards' && url.searchParams.get('redirect_status') === 'succeeded');
  await student.getByText('Your card is saved.').waitFor();
}

/** Opens Lena's page, picks a free time (`which` of the week's slots) and requests it with `card`. */
async function requestLesson(card: RegExp, which: 'first' | 'last' | number, weeks?: number): Promise<void> {
  const lenaId = suite.stack.seed.accounts.find((account) => account.email === LENA.email)!.userId;
  await student.goto(`/tutors/${lenaId}`);
  const slots = student.locator('button.slot');
  await slots.first().waitFor();
  await (which === 'first' ? slots.first() : which === 'last' ? slots.last() : slots.nth(which)).click();
  const payWith = student.getByLabel('Pay with');
  await payWith.waitFor();
  const option = await payWith.locator('option', { hasText: card }).getAttribute('value');
  await payWith.selectOption(option!);
  if (weeks) {
    await student.getByLabel('Every week at this time').check();
    await student.getByLabel('For how many weeks').fill(String(weeks));
  }
  await student.getByRole('button', { name: weeks ? new RegExp(`Request ${weeks} weekly lessons`) : /Request lesson for/ }).click();
}

describe('cards and 3-D Secure in the browser', () => {
  it('lets a new student save a card from the page and book with it', async () => {
    student = await suite.person('Europe/Madrid', { width: 390, height: 844 });
    await signUp(student, { name: 'Carmen Card', email: `carmen-${randomUUID().slice(0, 8)}@example.com`, password: 'a long enough password', role: 'student' });
    await student.goto('/cards');
    await student.getByText('No saved cards yet.').waitFor();
    await expectAccessible(student);

    // A declined card is refused on Stripe's form and not saved.
    await student.getByRole('button', { name: 'Add a card' }).click();
    await student.waitForURL((url) => url.origin === suite.stack.booking.stripe.url);
    await student.getByLabel(/ending 0002/).check();
    await student.getByRole('button', { name: 'Save card' }).click();
    await student.getByRole('alert').getByText('Your card was declined.').waitFor();

    await saveCard(/Mastercard ending 4444/);
    await student.getByRole('list', { name: 'Saved cards' }).getByText(/Mastercard ending 4444/).waitFor();
    await expectAccessible(student);
    await docShot(student, 'saved-cards-phone');

    await requestLesson(/Mastercard ending 4444/, 'last');
    await student.waitForURL(/\/bookings\/[0-9a-f-]{36}$/);
    await student.getByTestId('status').getByText('Requested', { exact: true }).waitFor({ timeout: 30_000 });
    const bookingId = new URL(student.url()).pathname.split('/').at(-1)!;
    const intent = suite.stack.booking.stripe.state().paymentIntents.find((pi) => pi.metadata.bookingId === bookingId)!;
    expect(intent).toMatchObject({ paymentMethod: 'pm_card_mastercard', status: 'requires_capture' });
  });

  it('books with the 3-D Secure card: the challenge is completed in the page and the booking goes on', async () => {
    await saveCard(/ending 3220/, 'Complete authentication');
    await requestLesson(/Visa ending 3220/, 'first');
    // The bank's challenge (the fake's hosted page where Stripe.js would open it in production).
    await student.getByRole('heading', { name: '3D Secure 2 test page' }).waitFor();
    await expectAccessible(student);
    await docShot(student, 'three-d-secure');
    await student.getByRole('button', { name: 'Complete authentication' }).click();

    await student.waitForURL((url) => /^\/bookings\/[0-9a-f-]{36}$/.test(url.pathname) && url.searchParams.get('redirect_status') === 'succeeded');
    await student.getByText(/Your bank confirmed the payment/).waitFor();
    // Stripe's payment_intent.amount_capturable_updated, signed, reached the API and the workflow.
    await student.getByTestId('status').getByText('Requested', { exact: true }).waitFor({ timeout: 30_000 });
    await expectAccessible(student);
    const bookingId = new URL(student.url()).pathname.split('/').at(-1)!;
    const intent = suite.stack.booking.stripe.state().paymentIntents.find((pi) => pi.metadata.bookingId === bookingId)!;
    expect(intent).toMatchObject({ paymentMethod: 'pm_card_threeDSecure2Required', status: 'requires_capture' });
  });

  it('fails the payment when the challenge fails', async () => {
    // The first two lessons took the week's first and last times; the next first one is free.
    await requestLesson(/Visa ending 3220/, 'first');
    await student.getByRole('heading', { name: '3D Secure 2 test page' }).waitFor();
    await student.getByRole('button', { name: 'Fail authentication' }).click();
    await student.waitForURL((url) => url.searchParams.get('redirect_status') === 'failed');
    await student.getByText(/Your bank did not confirm the payment/).waitFor();
    await student.getByTestId('status').getByText('Payment failed', { exact: true }).waitFor({ timeout: 30_000 });
    await expectAccessible(student);
  });

  it('books weekly lessons: each week on the student’s clock, the first one booked, a later one skipped', async () => {
    // A time clear of the student's other lessons this week (the first and last ones are taken).
    await requestLesson(/Mastercard ending 4444/, 3, 3);
    await student.waitForURL(/\/series\/[0-9a-f-]{36}$/);
    await student.getByRole('heading', { level: 1, name: 'Weekly lessons: 3 weeks' }).waitFor();
    const weeks = student.getByRole('list', { name: 'Weeks' }).getByRole('listitem');
    await expect.poll(() => weeks.count()).toBe(3);
    expect(await weeks.first().textContent()).toContain('(Europe/Madrid)');
    // The series' workflow books the first week at once (it is within SERIES_BOOKING_LEAD).
    await weeks.first().getByText('booked', { exact: true }).waitFor({ timeout: 30_000 });
    await weeks.first().getByRole('link', { name: /Requested|Waiting for payment/ }).waitFor({ timeout: 30_000 });
    await student.getByRole('button', { name: 'Skip week 3' }).click();
    await student.getByText('Week 3 is skipped.').waitFor();
    await weeks.nth(2).getByText('skipped', { exact: true }).waitFor();
    await expectAccessible(student);
    await docShot(student, 'weekly-series-phone');
  });

  it('books the free trial lesson Lena offers without any card, once', async () => {
    const asLena = await restAs(suite.stack.baseUrl, LENA.email, LENA.password);
    expect((await asLena('PUT', '/api/me/trial-offer', { lengthMinutes: 30, priceMinor: 0 })).status).toBe(200);
    await requestLesson(/Your trial lesson, free/, 6);
    await student.waitForURL(/\/bookings\/[0-9a-f-]{36}$/);
    await student.getByTestId('status').getByText('Requested', { exact: true }).waitFor({ timeout: 30_000 });
    const bookingId = new URL(student.url()).pathname.split('/').at(-1)!;
    // No hold on any card: Stripe never heard of this booking.
    expect(suite.stack.booking.stripe.state().paymentIntents.filter((pi) => pi.metadata.bookingId === bookingId)).toEqual([]);
    // One trial per student and tutor: it is no longer offered.
    await student.goto(`/tutors/${suite.stack.seed.accounts.find((account) => account.email === LENA.email)!.userId}`);
    await student.locator('button.slot').first().click();
    await student.getByLabel('Pay with').waitFor();
    expect(await student.getByLabel('Pay with').locator('option', { hasText: /trial/ }).count()).toBe(0);
  });
});
