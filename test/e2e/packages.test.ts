/**
 * Lesson packages and trial lessons in the browser, on the real stack: Lena (on a phone) offers a
 * package and sets, then removes, a trial lesson; the demo student buys the package on her page with
 * the saved demo card (the package's workflow charges it), sees its credits, ledger and receipt under
 * "My packages", books a lesson with a credit, and sees one credit fewer; a card that Stripe declines
 * is refused with the API's 402 detail and grants nothing; Lena stops selling it and the credits
 * bought stay. Axe on each new page.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createStripeClient } from '../../integrations/stripe.js';
import { DEMO_STUDENT, DEMO_TUTORS } from '../../scripts/demo-data/demo-people.js';
import { signIn } from './support/browser.js';
import { browserSuite, docShot, expectAccessible, restAs } from './support/journey.js';

const LENA = DEMO_TUTORS.find((tutor) => tutor.email.startsWith('lena@'))!;
const STUDENT_ZONE = 'Asia/Tokyo';
const PHONE = { width: 390, height: 844 };
const suite = browserSuite();
const idOf = (email: string) => suite.stack.seed.accounts.find((account) => account.email === email)!.userId;

/** The credits left that "My packages" shows for the one package. */
async function creditsLeft(student: Page): Promise<string> {
  await student.goto('/packages');
  const pkg = student.getByTestId('package');
  await pkg.first().waitFor();
  expect(await pkg.count()).toBe(1);
  return (await pkg.getByTestId('credits-left').textContent()) ?? '';
}

describe('lesson packages in the browser', () => {
  it('Lena offers a package and a trial; the student buys the package, books with a credit and has one fewer', async () => {
    const lena = await suite.person('Europe/Berlin', PHONE);
    await signIn(lena, LENA.email, LENA.password);
    await lena.getByRole('link', { name: 'Packages & trial' }).click();
    await lena.getByRole('heading', { level: 1, name: 'Packages & trial lesson' }).waitFor();
    await lena.getByText('You offer no packages.').waitFor();
    await expectAccessible(lena);

    // The trial lesson: set at a price, then removed (the API agrees each time).
    await lena.getByLabel(/Trial price/).fill('12.50');
    await lena.getByRole('button', { name: 'Save trial lesson' }).click();
    await lena.getByTestId('trial-status').getByText(/trial lesson, €12\.50\./).waitFor();
    const asLena = await restAs(suite.stack.baseUrl, LENA.email, LENA.password);
    expect((await asLena('GET', `/api/tutors/${idOf(LENA.email)}/trial-offer`)).body).toMatchObject({ priceMinor: 1250 });
    await lena.getByRole('button', { name: 'Remove trial lesson' }).click();
    await lena.getByTestId('trial-status').getByText('You offer no trial lesson.').waitFor();
    expect((await asLena('GET', `/api/tutors/${idOf(LENA.email)}/trial-offer`)).status).toBe(404);

    // A package of three lessons at 10 % off.
    await lena.getByLabel('Lessons').fill('3');
    await lena.getByLabel('Discount (%)').fill('10');
    await lena.getByRole('button', { name: 'Offer package' }).click();
    await lena.getByRole('list', { name: 'Package offers' }).getByText(/3 lessons × \d+ minutes/).waitFor();
    await lena.getByText(/Offered: 3 lessons/).waitFor();
    await expectAccessible(lena);
    await docShot(lena, 'package-offers-phone');

    const student = await suite.person(STUDENT_ZONE, PHONE);
    await signIn(student, DEMO_STUDENT.email, DEMO_STUDENT.password);
    await student.goto(`/tutors/${idOf(LENA.email)}`);
    await student.getByRole('heading', { name: 'Lesson packages' }).waitFor();
    await student.getByLabel('Pay for a package with').waitFor();
    await expectAccessible(student);
    await student.getByRole('button', { name: /^Buy 3 lessons × \d+ minutes for €/ }).click();
    await student.getByText(/Bought: 3 lessons/).waitFor({ timeout: 30_000 });
    // The package's workflow charged the demo card once (captured at once).
    const charged = suite.stack.booking.stripe.state().paymentIntents.filter((pi) => pi.metadata.packageId);
    expect(charged.map((pi) => pi.status)).toEqual(['succeeded']);

    await student.getByRole('link', { name: 'My packages' }).click();
    await student.getByRole('heading', { level: 1, name: 'My packages' }).waitFor();
    await student.getByTestId('credits-left').getByText('3', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await student.getByTestId('package').textContent()).toContain(`(${STUDENT_ZONE})`);
    await expectAccessible(student);
    await student.getByTestId('package').getByRole('link').click();
    await student.getByRole('list', { name: 'Credit ledger' }).getByText(/3 credits bought/).waitFor();
    const receipt = student.getByTestId('receipt');
    await receipt.getByText('Receipt').waitFor();
    await receipt.getByText('3 lessons', { exact: false }).waitFor();
    expect(await receipt.textContent()).toContain(LENA.displayName);
    await expectAccessible(student);
    await docShot(student, 'package-receipt-phone');

    // A lesson booked with a credit: no card, one credit fewer.
    await student.goto(`/tutors/${idOf(LENA.email)}`);
    await student.locator('button.slot').last().click();
    const payWith = student.getByLabel('Pay with');
    await payWith.waitFor();
    const credit = await payWith.locator('option', { hasText: 'A package credit (3 left)' }).getAttribute('value');
    await payWith.selectOption(credit!);
    await student.getByRole('button', { name: 'Request lesson with a credit' }).click();
    await student.waitForURL(/\/bookings\/[0-9a-f-]{36}$/);
    const bookingId = new URL(student.url()).pathname.split('/').at(-1)!;
    expect(suite.stack.booking.stripe.state().paymentIntents.filter((pi) => pi.metadata.bookingId === bookingId)).toEqual([]);
    expect(await creditsLeft(student)).toBe('2');
    await student.getByTestId('package').getByRole('link').click();
    await student.getByRole('list', { name: 'Credit ledger' }).getByText(/1 credit used for a lesson/).waitFor();
  });

  it('shows the 402 detail when the card is declined, and the failed package grants nothing', async () => {
    // A card saved on the student's Stripe customer that Stripe declines when charged (saved as
    // Stripe Elements would; the fake's card form refuses to save it, as Stripe's does).
    const db = suite.stack.booking.api.container.resources.db;
    const { stripe_customer_id: customer } = await db('student_profiles').where({ user_id: idOf(DEMO_STUDENT.email) }).first('stripe_customer_id');
    await createStripeClient(suite.stack.booking.api.config.stripe).paymentMethods.attach('pm_card_chargeDeclined', { customer });

    const student = await suite.person(STUDENT_ZONE);
    await signIn(student, DEMO_STUDENT.email, DEMO_STUDENT.password);
    await student.goto(`/tutors/${idOf(LENA.email)}`);
    const cards = student.getByLabel('Pay for a package with');
    await cards.selectOption((await cards.locator('option', { hasText: /0002/ }).getAttribute('value'))!);
    await student.getByRole('button', { name: /^Buy 3 lessons/ }).click();
    await student.getByRole('alert').getByText(/declined/i).waitFor({ timeout: 30_000 });
    await student.goto('/packages');
    await student.getByTestId('package').getByText('payment failed').waitFor();
    expect(await student.getByTestId('package').getByTestId('credits-left').allTextContents()).toEqual(['0', '2']);
  });

  it('Lena stops selling the package: it leaves her page, and the package bought keeps its credits', async () => {
    const lena = await suite.person('Europe/Berlin', PHONE);
    await signIn(lena, LENA.email, LENA.password);
    await lena.goto('/offers');
    await lena.getByRole('button', { name: /^Stop selling 3 lessons/ }).click();
    await lena.getByText(/No longer sold: 3 lessons/).waitFor();
    await lena.getByText('You offer no packages.').waitFor();

    const student = await suite.person(STUDENT_ZONE);
    await signIn(student, DEMO_STUDENT.email, DEMO_STUDENT.password);
    const offers = student.waitForResponse((response) => response.url().endsWith('/package-offers'));
    await student.goto(`/tutors/${idOf(LENA.email)}`);
    expect(await (await offers).json()).toEqual({ items: [] });
    await student.locator('button.slot').first().waitFor();
    expect(await student.getByRole('heading', { name: 'Lesson packages' }).count()).toBe(0);
    await student.locator('button.slot').last().click();
    await student.getByLabel('Pay with').locator('option', { hasText: 'A package credit (2 left)' }).waitFor({ state: 'attached' });
  });
});
