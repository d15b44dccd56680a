/**
 * The invariants every fault scenario ends with, for every booking it touched: Stripe's view (the
 * strict fake's state), the Postgres read model (the bookings row) and the workflow (its query)
 * tell one story; one idempotency key per Stripe step; at most one authorization per payment (the
 * lesson's, and each longer reschedule's difference); nothing held, charged, refunded or paid out twice; every workflow finished, or waiting on a timer or a person (no activity left running).
 */
import { expect } from 'vitest';
import { bookingWorkflowId } from '../../../workflows/booking/definitions.js';
import type { BookingSnapshot } from '../../../workflows/booking/definitions.js';
import type { BookingStack } from '../../support/booking-stack.js';

export interface Figures {
  bookings: number;
  authorizations: number;
  charges: number;
  refunds: number;
  payouts: number;
  stripeMutations: number;
  replayed: number;
  injected: number;
  attention: number;
  running: number;
  completed: number;
  [extra: string]: number | string;
}

interface Agreement {
  id: string;
  stripe: { captured: number; refunded: number; transferred: number; held: number; intents: number; families: (string | null)[] };
  row: { captured: number; refunded: number; paidOut: number; status: string } | undefined;
  workflow: { captured: number; refunded: number; paidOut: number; status: string } | undefined;
  workflowState: string;
  pendingActivities: number;
  attention: number;
}

/**
 * The payment each of the booking's PaymentIntents was created for, from its creation key
 * `<bookingId>:<prefix>authorize`: '' for the lesson's own payment, `reprice-<n>:` for a longer
 * lesson's difference (each attempt its own n); null for a key of any other shape.
 */
function paymentFamilies(stack: BookingStack, id: string): (string | null)[] {
  return stack.stripe
    .state()
    .paymentIntents.filter((intent) => intent.metadata.bookingId === id)
    .map((intent) => /^[^:]+:((?:reprice-\d+:)?)authorize$/.exec(intent.idempotencyKey ?? '')?.[1] ?? null);
}

async function read(stack: BookingStack, id: string): Promise<Agreement> {
  const { db, temporal } = stack.api.container.resources;
  const money = stack.stripe.money(id);
  const row = await db('bookings').where({ id }).first();
  const handle = temporal.client.workflow.getHandle(bookingWorkflowId(id));
  const description = await handle.describe();
  const live = (await handle.query<BookingSnapshot>('getBooking').catch(() => undefined)) as BookingSnapshot | undefined;
  return {
    id,
    stripe: { captured: money.captured, refunded: money.refunded, transferred: money.transferred - money.reversed, held: money.held, intents: money.paymentIntentIds.length, families: paymentFamilies(stack, id) },
    row: row && { captured: row.captured_minor, refunded: row.refunded_minor, paidOut: row.paid_out_minor, status: row.status },
    workflow: live && { captured: live.capturedMinor, refunded: live.refundedMinor, paidOut: live.paidOutMinor - (live.reversedMinor ?? 0), status: live.status },
    workflowState: description.status.name,
    pendingActivities: description.raw.pendingActivities?.length ?? 0,
    attention: live?.attention?.length ?? 0,
  };
}

function agrees(entry: Agreement): boolean {
  if (entry.pendingActivities > 0) return false;
  if (!entry.row || !entry.workflow) return false;
  const sameMoney = (a: { captured: number; refunded: number }, b: { captured: number; refunded: number }) => a.captured === b.captured && a.refunded === b.refunded;
  return sameMoney(entry.stripe, entry.row) && sameMoney(entry.row, entry.workflow) && entry.row.status === entry.workflow.status && entry.row.paidOut === entry.workflow.paidOut;
}

/**
 * Waits (bounded) until every booking settles, then asserts the invariants and returns the figures.
 * Bookings that never came to be (a lost race: no row, no money) are counted as such.
 */
export async function expectInvariants(stack: BookingStack, ids: string[], timeoutMs = 90_000): Promise<Figures> {
  const deadline = Date.now() + timeoutMs;
  let entries: Agreement[];
  for (;;) {
    entries = [];
    // In batches: a query on a finished workflow replays its history on the worker.
    const unique = [...new Set(ids)];
    for (let start = 0; start < unique.length; start += 25) entries.push(...(await Promise.all(unique.slice(start, start + 25).map((id) => read(stack, id)))));
    if (entries.every(agrees) || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  for (const entry of entries) {
    expect(entry.pendingActivities, `${entry.id}: an activity is still running`).toBe(0);
    expect(entry.row, `${entry.id}: no read-model row`).toBeDefined();
    expect({ captured: entry.row!.captured, refunded: entry.row!.refunded }, `${entry.id}: Stripe vs Postgres`).toEqual({ captured: entry.stripe.captured, refunded: entry.stripe.refunded });
    expect(entry.workflow, `${entry.id}: the workflow answers no query`).toBeDefined();
    expect(entry.workflow, `${entry.id}: Postgres vs workflow`).toEqual(entry.row);
    expect(entry.stripe.transferred, `${entry.id}: Stripe payouts vs workflow`).toBe(entry.workflow!.paidOut);
    // At most one authorization per payment (the lesson's, and each reprice attempt's): a retry never became a second one.
    const { families } = entry.stripe;
    expect(families.filter((family) => family === null), `${entry.id}: a PaymentIntent not made by an authorize step`).toEqual([]);
    expect(new Set(families).size, `${entry.id}: one authorization per payment, got ${families.join(', ')}`).toBe(families.length);
    expect(entry.stripe.refunded).toBeLessThanOrEqual(entry.stripe.captured);
    expect(['COMPLETED', 'RUNNING'], `${entry.id}: workflow ${entry.workflowState}`).toContain(entry.workflowState);
  }
  // One idempotency key per Stripe step: no step became a second mutation at Stripe.
  const mutations = ids.flatMap((id) => stack.stripe.money(id).mutations);
  const executed = mutations.filter((mutation) => mutation.status !== null && mutation.status < 300 && !mutation.replayed && !mutation.injected);
  const keys = executed.map((mutation) => mutation.idempotencyKey);
  expect(keys.every((key) => key !== null), 'every Stripe mutation carries an idempotency key').toBe(true);
  expect(new Set(keys).size, `keys executed twice: ${keys.filter((key, index) => keys.indexOf(key) !== index).join(', ')}`).toBe(keys.length);
  return {
    bookings: entries.length,
    authorizations: entries.reduce((total, entry) => total + entry.stripe.intents, 0),
    charges: entries.filter((entry) => entry.stripe.captured > 0).length,
    refunds: entries.filter((entry) => entry.stripe.refunded > 0).length,
    payouts: entries.filter((entry) => entry.stripe.transferred > 0).length,
    stripeMutations: executed.length,
    replayed: mutations.filter((mutation) => mutation.replayed).length,
    injected: mutations.filter((mutation) => mutation.injected).length,
    attention: entries.filter((entry) => entry.attention > 0).length,
    running: entries.filter((entry) => entry.workflowState === 'RUNNING').length,
    completed: entries.filter((entry) => entry.workflowState === 'COMPLETED').length,
  };
}

/** One line per scenario, so the run's output names each scenario with its figures. */
export function report(scenario: string, figures: Record<string, number | string>): void {
  const text = Object.entries(figures)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  process.stdout.write(`[fault scenario] ${scenario}: ${text}\n`);
}
