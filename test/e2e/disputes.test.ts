/**
 * A problem with a lesson, in the browser: the demo student's lesson with Rio ends (the workflows
 * run on Temporal's time-skipping server, as test/integration/bookings/lesson-money-api.test.ts
 * does: a lesson takes at least 15 minutes, so only the workflows' clock is moved; the API,
 * Postgres, Stripe's fake and the browser keep the machine's), the student reports it from the
 * booking page with a file sent through the presigned upload, an admin decides it from the open
 * disputes with a part refund, and the student sees the decision. axe on each page.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN, DEMO_STUDENT, DEMO_TUTORS } from '../../scripts/demo-data/demo-people.js';
import { eventually } from '../support/booking-stack.js';
import { timeSkippingEnvironment } from '../support/temporal.js';
import { launchChromium, personContext, screenshotAll, signIn } from './support/browser.js';
import { startE2eStack, type E2eStack } from './support/e2e-stack.js';
import { expectAccessible, restAs } from './support/journey.js';

const RIO = DEMO_TUTORS.find((tutor) => tutor.email.startsWith('rio@'))!;
const HOUR = 3_600_000;

let env: TestWorkflowEnvironment;
let stack: E2eStack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  env = await timeSkippingEnvironment();
  [stack, browser] = await Promise.all([startE2eStack({ TEMPORAL_ADDRESS: env.address, BOOKING_PAYOUT_HOLD: '72h' }), launchChromium()]);
}, 240_000);
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') console.log(`screenshots of the failure: ${(await screenshotAll(contexts, context.task.name)).join(', ')}`);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await env?.teardown();
});

async function person(timezoneId: string): Promise<Page> {
  const context = await personContext(browser, stack.baseUrl, timezoneId);
  contexts.push(context);
  return context.newPage();
}

/** A lesson of the demo student with Rio (instant booking), booked through the API, ended an hour ago on the workflows' clock. */
async function endedLesson(): Promise<string> {
  const asStudent = await restAs(stack.baseUrl, DEMO_STUDENT.email, DEMO_STUDENT.password);
  const rioId = stack.seed.accounts.find((account) => account.email === RIO.email)!.userId;
  const from = new Date(Date.now() + 2 * 24 * HOUR).toISOString().slice(0, 10);
  const slots = await asStudent('GET', `/api/tutors/${rioId}/slots?from=${from}&to=${from}&timeZone=UTC&length=60`);
  const start = (slots.body.slots as { start: string }[])[0]!.start;
  const booked = await asStudent('POST', '/api/bookings', { tutorId: rioId, start, lengthMinutes: 60, paymentMethodId: stack.seed.card }, { 'idempotency-key': randomUUID() });
  expect([201, 202], JSON.stringify(booked.body)).toContain(booked.status);
  const id = booked.body.bookingId as string;
  await eventually(
    () => asStudent('GET', `/api/bookings/${id}`),
    (answer) => answer.body.status === 'SCHEDULED',
  );
  await env.sleep(Date.parse(start) + 2 * HOUR - (await env.currentTimeMs()));
  await eventually(
    () => asStudent('GET', `/api/bookings/${id}`),
    (answer) => answer.body.status === 'ENDED' && answer.body.capturedMinor > 0,
    30_000,
  );
  return id;
}

describe('a problem with a lesson, in the browser', () => {
  it('the student reports it with a file, an admin decides a part refund, the student sees the decision', async () => {
    const bookingId = await endedLesson();
    const student = await person('America/New_York');
    await signIn(student, DEMO_STUDENT.email, DEMO_STUDENT.password);
    await student.goto(`/bookings/${bookingId}`);
    await student.getByTestId('status').getByText('Ended', { exact: true }).waitFor({ timeout: 30_000 });
    await student.getByText('Report a problem with this lesson').click();
    await expectAccessible(student);
    await student.getByLabel('What went wrong').selectOption('tutor_late_or_left_early');
    await student.getByLabel('Tell us what happened').fill('The tutor left after ten minutes.');
    await student.getByLabel('A screenshot or file (optional)').setInputFiles({ name: 'chat-log.txt', mimeType: 'text/plain', buffer: Buffer.from('10:10 tutor left the call\n') });
    await student.getByRole('button', { name: 'Report the problem' }).click();
    await student.getByRole('heading', { name: 'The reported problem' }).waitFor({ timeout: 30_000 });
    await student.getByText('An admin looks at it').waitFor();
    await student.getByText('with an attachment').waitFor();
    expect(await student.getByText('Report a problem with this lesson').count()).toBe(0);

    const admin = await person('Europe/Berlin');
    await signIn(admin, DEMO_ADMIN.email, DEMO_ADMIN.password);
    await admin.getByRole('link', { name: 'Disputes' }).click();
    const dispute = admin.locator(`[data-booking-id="${bookingId}"]`);
    await dispute.getByText('The tutor left after ten minutes.').waitFor();
    await dispute.getByText('with an attachment').waitFor();
    await dispute.getByText('Remaining of what was charged:').waitFor();
    await expectAccessible(admin);
    // More than remains is refused with the API's detail, shown in the page.
    const remaining = Number(await dispute.getByLabel(/Refund to the student/).getAttribute('max'));
    await dispute.getByLabel(/Refund to the student/).evaluate((input) => input.removeAttribute('max'));
    await dispute.getByLabel(/Refund to the student/).fill(String(remaining + 1));
    await dispute.getByLabel(/Reason/).fill('The tutor left early');
    await dispute.getByRole('button', { name: 'Decide' }).click();
    await dispute.getByRole('alert').waitFor();
    await dispute.getByLabel(/Refund to the student/).fill('10');
    await dispute.getByRole('button', { name: 'Decide' }).click();
    await dispute.waitFor({ state: 'detached', timeout: 30_000 });

    await eventually(
      async () => {
        await student.reload();
        return student.getByTestId('dispute-decision').count();
      },
      (count) => count === 1,
      30_000,
    );
    expect(await student.getByTestId('dispute-decision').textContent()).toContain('The tutor left early');
    await expectAccessible(student);
  });
});
