/**
 * Reviews in the browser, on the real stack: the student opens the "How was your lesson?" link
 * (/bookings/{id}/review) on a phone, rates and writes, then edits within the window; Lena replies
 * once and reports it; her public page lists it with the rating; an admin finds it among the reported
 * reviews and hides it with a reason, and it leaves the public list. axe on each page, and on the
 * admins' open disputes. An admin opens a package the student bought and refunds its unused credits.
 * A student's open page is signed out the moment an admin suspends the account (the socket's 4003).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN, DEMO_STUDENT, DEMO_TUTORS } from '../../scripts/demo-data/demo-people.js';
import { eventually } from '../support/booking-stack.js';
import { insertBooking } from '../integration/availability/fixtures.js';
import { signIn } from './support/browser.js';
import { browserSuite, docShot, expectAccessible, restAs } from './support/journey.js';

const LENA = DEMO_TUTORS.find((tutor) => tutor.email.startsWith('lena@'))!;
const STUDENT_ZONE = 'America/New_York';
const PHONE = { width: 390, height: 844 };
const suite = browserSuite();
const idOf = (email: string) => suite.stack.seed.accounts.find((account) => account.email === email)!.userId;

/** A lesson of the demo student with Lena that ended an hour ago (the row the workflow writes at its end). */
function endedLesson(): Promise<string> {
  const end = new Date(Date.now() - 3_600_000 - Math.floor(Math.random() * 600) * 60_000);
  return insertBooking(suite.stack.booking.api.container.resources.db, {
    tutorId: idOf(LENA.email),
    studentId: idOf(DEMO_STUDENT.email),
    start: new Date(end.getTime() - 3_600_000),
    end,
    status: 'ENDED',
  });
}

describe('reviews in the browser', () => {
  it('the student reviews and edits, Lena replies once and reports it, her page lists it, an admin hides it', async () => {
    const bookingId = await endedLesson();
    const student = await suite.person(STUDENT_ZONE, PHONE);
    await signIn(student, DEMO_STUDENT.email, DEMO_STUDENT.password);
    // The email's link.
    await student.goto(`/bookings/${bookingId}/review`);
    await student.getByRole('heading', { level: 1, name: 'How was your lesson?' }).waitFor();
    await student.getByText(`with ${LENA.displayName}`).waitFor();
    await expectAccessible(student);
    await student.getByRole('button', { name: 'Publish review' }).click();
    // The browser asks for a rating first (required radio): nothing was sent.
    expect(await student.getByTestId('review').count()).toBe(0);
    await student.getByLabel('4 — very good').check();
    await student.getByLabel('What was the lesson like?').fill('Clear explanations of the subjunctive.');
    await student.getByRole('button', { name: 'Publish review' }).click();
    const review = student.getByTestId('review');
    await review.getByText('4 out of 5').waitFor();
    await review.getByText(`You can edit it until`).waitFor();
    expect(await review.textContent()).toContain(`(${STUDENT_ZONE})`);
    await expectAccessible(student);

    await student.getByRole('button', { name: 'Edit your review' }).click();
    await student.getByLabel('5 — excellent').check();
    await student.getByLabel('What was the lesson like?').fill('Clear explanations of the subjunctive, and good homework.');
    await student.getByRole('button', { name: 'Save changes' }).click();
    await review.getByText('5 out of 5').waitFor();
    await review.getByText('good homework').waitFor();
    await docShot(student, 'review-phone');

    const lena = await suite.person(LENA.timeZone);
    await signIn(lena, LENA.email, LENA.password);
    await lena.goto(`/bookings/${bookingId}/review`);
    await lena.getByRole('heading', { level: 1, name: 'The lesson’s review' }).waitFor();
    await lena.getByText('good homework').waitFor();
    await expectAccessible(lena);
    await lena.getByLabel(/Your reply/).fill('Thank you, see you next week!');
    await lena.getByRole('button', { name: 'Publish reply' }).click();
    await lena.getByRole('heading', { name: 'The tutor’s reply' }).waitFor();
    // Once: the form is gone.
    expect(await lena.getByRole('button', { name: 'Publish reply' }).count()).toBe(0);
    await lena.getByText('Report this review to the moderators').click();
    await lena.getByLabel(/What breaks the rules/).fill('It names my home address');
    await lena.getByRole('button', { name: 'Report', exact: true }).click();
    await lena.getByText('Reported: a moderator will look at it.').waitFor();

    await student.reload();
    await student.getByText('Thank you, see you next week!').waitFor();

    // Lena's public page: the review with its rating and her reply.
    await student.goto(`/tutors/${idOf(LENA.email)}`);
    const listed = student.getByRole('list', { name: 'Reviews' }).getByRole('listitem').filter({ hasText: 'good homework' });
    await listed.getByText('5 out of 5').waitFor();
    await listed.getByText('Thank you, see you next week!').waitFor();
    await student.getByTestId('tutor-rating').getByText(/Rated \d\.\d out of 5/).waitFor();
    await expectAccessible(student);

    const admin = await suite.person('Europe/Berlin');
    await signIn(admin, DEMO_ADMIN.email, DEMO_ADMIN.password);
    await admin.getByRole('link', { name: 'Reviews' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Reviews to moderate' }).waitFor();
    const reported = admin.getByRole('listitem').filter({ hasText: 'good homework' });
    await reported.getByText('Reported 1 time').waitFor();
    await reported.getByText('It names my home address').waitFor();
    await expectAccessible(admin);
    await reported.getByLabel(/Reason for hiding/).fill('Personal details');
    await reported.getByRole('button', { name: 'Hide review' }).click();
    await admin.getByLabel('Show').selectOption('hidden');
    await admin.getByRole('listitem').filter({ hasText: 'good homework' }).getByText('Hidden: Personal details').waitFor();

    const publicList = await (await restAs(suite.stack.baseUrl, DEMO_STUDENT.email, DEMO_STUDENT.password))('GET', `/api/tutors/${idOf(LENA.email)}/reviews?limit=100`);
    expect((publicList.body.items as { text: string }[]).map((item) => item.text)).not.toContain('Clear explanations of the subjunctive, and good homework.');
    await student.goto(`/bookings/${bookingId}/review`);
    await student.getByText('Hidden by a moderator: Personal details.').waitFor();
    expect(await student.getByRole('button', { name: 'Edit your review' }).count()).toBe(0);

    await admin.getByRole('link', { name: 'Disputes' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Open disputes' }).waitFor();
    await expectAccessible(admin);
  });

  it('an admin opens a package by id and refunds its unused credits with a reason', async () => {
    const asStudent = await restAs(suite.stack.baseUrl, DEMO_STUDENT.email, DEMO_STUDENT.password);
    const rioId = idOf('rio@tutorflow.test');
    const offers = await asStudent('GET', `/api/tutors/${rioId}/package-offers`);
    const offer = (offers.body.items as { id: string; lessons: number }[])[0]!;
    const bought = await asStudent('POST', '/api/packages', { offerId: offer.id, paymentMethodId: suite.stack.seed.card }, { 'idempotency-key': randomUUID() });
    expect([200, 201, 202], JSON.stringify(bought.body)).toContain(bought.status);
    const packageId = bought.body.id as string;
    await eventually(
      () => asStudent('GET', `/api/packages/${packageId}`),
      (answer) => answer.body.status === 'active',
      30_000,
    );

    const admin = await suite.person('Europe/Berlin', PHONE);
    await signIn(admin, DEMO_ADMIN.email, DEMO_ADMIN.password);
    await admin.goto('/admin/packages');
    await admin.getByLabel('Package id').fill(packageId);
    await admin.getByRole('button', { name: 'Open' }).click();
    const pkg = admin.getByTestId('package');
    await pkg.getByTestId('credits-left').getByText(String(offer.lessons), { exact: true }).waitFor();
    await pkg.getByText('(Europe/Berlin)').first().waitFor();
    await expectAccessible(admin);
    await admin.getByLabel(/Reason/).fill('Moving abroad');
    await admin.getByRole('button', { name: 'Refund unused credits' }).click();
    await pkg.getByText('refunded', { exact: true }).waitFor({ timeout: 30_000 });
    await pkg.getByText(`${offer.lessons} credits refunded`).waitFor();
    expect(await pkg.getByTestId('package-refunded').textContent()).not.toBe('€0.00');
    await docShot(admin, 'admin-package-refund-phone');
  });

  it('signs a student out at once when an admin suspends the account', async () => {
    const email = `sid-${randomUUID().slice(0, 8)}@example.com`;
    const password = 'a long enough password';
    const registered = await fetch(`${suite.stack.baseUrl}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, displayName: 'Sid Suspended', role: 'student', timeZone: 'Europe/Warsaw' }),
    });
    expect(registered.status).toBe(201);
    const sidId = ((await registered.json()) as { account: { id: string } }).account.id;
    const sid = await suite.person('Europe/Warsaw', PHONE);
    await signIn(sid, email, password);
    await sid.getByRole('link', { name: 'My bookings' }).click();
    await sid.locator('.live-open').waitFor();

    const asAdmin = await restAs(suite.stack.baseUrl, DEMO_ADMIN.email, DEMO_ADMIN.password);
    const suspended = await asAdmin('POST', `/api/admin/users/${sidId}/suspend`, { reason: 'Abusive messages' }, { 'idempotency-key': randomUUID() });
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    // No reload, no click: the socket's 4003 signs the page out, and the sign-in page says why.
    await sid.waitForURL((url) => url.pathname === '/signin', { timeout: 15_000 });
    await sid.getByTestId('session-ended').getByText('You were signed out:').waitFor();
    expect(await sid.evaluate(() => localStorage.getItem('tutorflow.session'))).toBeNull();
    await expectAccessible(sid);
    // Signing in again is refused, saying so.
    await sid.getByLabel('Email').fill(email);
    await sid.getByLabel('Password').fill(password);
    await sid.getByRole('button', { name: 'Sign in' }).click();
    await sid.getByRole('alert').filter({ hasText: /suspended/i }).waitFor();
  });
});
