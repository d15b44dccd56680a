/**
 * 1. Transition lag. N open bookings whose deadlines — request expiry, lesson start, end + grace —
 * fall inside a window of a couple of minutes; for each transition, deadline → status visible in
 * Postgres (the booking_events row of the transition, stamped by the transaction that writes it)
 * and → search attribute updated (the UpsertWorkflowSearchAttributes event of the workflow task
 * that moved the status). Baseline: the seed's schedulers for the same deadlines (every 60 s for
 * start and end, every 300 s for expiry, at a random phase).
 */
import proto from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../domain/config.js';
import { bookingWorkflowId } from '../../workflows/booking/definitions.js';
import { seedTutors } from '../search/seed.js';
import { benchStack } from '../lib/bench-stack.js';
import { bookablePeople, pool, seedStudentsUpTo, startBooking, temporalClient, workflowInput, type PlannedBooking } from '../lib/bookings.js';
import { seconds, type PartContext } from '../lib/context.js';
import { sleep } from '../lib/processes.js';
import { pollingLags, summarize, type Summary } from '../lib/stats.js';
import { startWorker } from '../lib/worker.js';

const LESSON_MS = 30_000;
const GRACE = '15s';
const GRACE_MS = 15_000;
const CREATE_CONCURRENCY = 20;
const PILOT = 40;
/** The booking_events type each transition writes, and the status its search attribute takes. */
const TRANSITIONS = {
  expiry: { event: 'status.expired', status: 'EXPIRED', pollMs: 300_000 },
  start: { event: 'status.active', status: 'ACTIVE', pollMs: 60_000 },
  end: { event: 'status.ended', status: 'ENDED', pollMs: 60_000 },
} as const;
type Transition = keyof typeof TRANSITIONS;

export interface TransitionResult {
  bookings: number;
  created: number;
  createRatePerS: number;
  postgres: Record<Transition, Summary>;
  searchAttribute: Record<Transition, Summary>;
  seed: Record<Transition, Summary>;
  missing: Record<Transition, number>;
  workerRssMiB: number;
}

// @temporalio/proto is CommonJS: its namespace comes through the default export under plain Node ESM.
const { EventType } = proto.temporal.api.enums.v1;
const timeOf = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + Math.round((t?.nanos ?? 0) / 1e6);

/** When each status first reached the search attributes, from the workflow's history. */
async function searchAttributeTimes(client: Client, bookingId: string): Promise<Map<string, number>> {
  const history = await client.workflow.getHandle(bookingWorkflowId(bookingId)).fetchHistory();
  const times = new Map<string, number>();
  for (const event of history.events ?? []) {
    if (event.eventType !== EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES) continue;
    const payload = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.BookingStatus;
    if (!payload?.data) continue;
    const status = JSON.parse(Buffer.from(payload.data).toString('utf8')) as string;
    if (!times.has(status)) times.set(status, timeOf(event.eventTime));
  }
  return times;
}

export async function measureTransitions(ctx: PartContext, bookings: number, label: string): Promise<TransitionResult> {
  const { say } = ctx;
  const windowMs = ctx.options.windowSeconds * 1000;
  say(`[${label}] ${bookings} open bookings, deadlines over ${ctx.options.windowSeconds} s`);
  const stack = await benchStack(label, { BOOKING_GRACE: GRACE, LOG_LEVEL: 'warn' });
  const config = loadConfig(stack.env);
  await seedTutors(stack.db, bookings + PILOT);
  // One student per booking: the window holds every lesson at nearly the same time.
  await seedStudentsUpTo(stack.db, bookings + PILOT);
  const people = await bookablePeople(stack.db);
  const worker = await startWorker(ctx.root, `${ctx.logDir}/${label}`, { ...stack.env, LOG_LEVEL: 'info' });
  say(`[${label}] worker polling after ${seconds(worker.startMs)} (bundling the workflows included)`);
  const client = await temporalClient(config);

  // Pilot: the creation rate on this machine now, to place the window just after creation ends.
  const far = Date.now() + 86_400_000;
  const pilotPlans: PlannedBooking[] = Array.from({ length: PILOT }, (_, i) => ({
    tutorId: people.tutors[bookings + i]!,
    studentId: people.students[i % people.students.length]!,
    sessionStart: new Date(far + i * 3_600_000),
    sessionEnd: new Date(far + i * 3_600_000 + LESSON_MS),
    requestExpiresAt: new Date(far),
    instant: false,
  }));
  let began = Date.now();
  await pool(pilotPlans, CREATE_CONCURRENCY, async (plan) => void (await startBooking(client, config, workflowInput(config, plan))), { deadlineMs: Date.now() + 120_000 });
  const pilotRate = PILOT / ((Date.now() - began) / 1000);
  // The pilot runs at the same concurrency, so 0.75 of its rate leaves a third more time than creation should take.
  const windowStart = Date.now() + Math.round((bookings / (pilotRate * 0.75)) * 1000) + 15_000;
  say(`[${label}] pilot: ${pilotRate.toFixed(1)} bookings/s; window opens in ${seconds(windowStart - Date.now())}`);

  // Half are requests left to expire; half instant lessons that start and end (+ grace) in the window.
  const plans: (PlannedBooking & { kind: 'request' | 'lesson' })[] = [];
  for (let i = 0; i < bookings; i++) {
    const u = ((i * 7919) % bookings) / bookings; // spread deterministically over the window
    const tutorId = people.tutors[i]!;
    const studentId = people.students[i % people.students.length]!;
    if (i % 2 === 0) {
      const expiry = new Date(windowStart + u * windowMs);
      plans.push({ kind: 'request', tutorId, studentId, sessionStart: new Date(windowStart + windowMs + 3_600_000), sessionEnd: new Date(windowStart + windowMs + 3_600_000 + LESSON_MS), requestExpiresAt: expiry, instant: false });
    } else {
      const start = new Date(windowStart + u * (windowMs - LESSON_MS - GRACE_MS));
      plans.push({ kind: 'lesson', tutorId, studentId, sessionStart: start, sessionEnd: new Date(start.getTime() + LESSON_MS), requestExpiresAt: start, instant: true });
    }
  }
  // Earliest deadline first, so a slow creation loses the latest bookings, not the first.
  const order = plans.map((plan, i) => ({ plan, i, first: Math.min(plan.requestExpiresAt.getTime(), plan.sessionStart.getTime()) })).sort((a, b) => a.first - b.first);
  const inputs = order.map(({ plan }) => ({ plan, input: workflowInput(config, plan) }));
  const createdIds = new Set<string>();
  began = Date.now();
  const creation = await pool(
    inputs,
    CREATE_CONCURRENCY,
    async ({ plan, input }) => {
      // A booking created after its first deadline would measure creation, not timers: skip it.
      if (Math.min(plan.requestExpiresAt.getTime(), plan.sessionStart.getTime()) < Date.now() + 2_000) throw new Error('created too late for its deadline');
      // The answer may come before the card is through (PENDING_PAYMENT); only a closed booking is lost.
      const status = await startBooking(client, config, input);
      if (!['PENDING_PAYMENT', 'REQUESTED', 'SCHEDULED'].includes(status)) throw new Error(`answered ${status}`);
      createdIds.add(input.bookingId);
    },
    { deadlineMs: windowStart, progress: (done, failed) => say(`[${label}]   created ${done}/${bookings} (${failed} failed)`) },
  );
  const createRate = creation.done / ((Date.now() - began) / 1000);
  say(`[${label}] created ${creation.done}/${bookings} at ${createRate.toFixed(1)}/s, ${creation.failed} failed${creation.errors.length ? ` (${creation.errors[0]})` : ''}`);

  const deadlines = new Map<string, { transition: Transition; at: number }[]>();
  for (const { plan, input } of inputs) {
    if (!createdIds.has(input.bookingId)) continue;
    deadlines.set(
      input.bookingId,
      plan.kind === 'request'
        ? [{ transition: 'expiry', at: plan.requestExpiresAt.getTime() }]
        : [
            { transition: 'start', at: plan.sessionStart.getTime() },
            { transition: 'end', at: plan.sessionEnd.getTime() + GRACE_MS },
          ],
    );
  }
  const expected = [...deadlines.values()].reduce((sum, list) => sum + list.length, 0);

  // Wait for the window to pass (bounded: at most a minute past its last deadline).
  const lastDeadline = Math.max(...[...deadlines.values()].flat().map((d) => d.at));
  let peakRss = 0;
  for (;;) {
    const [{ count }] = (await stack.db.raw(`select count(*)::int as count from booking_events where type in ('status.expired', 'status.active', 'status.ended')`)).rows;
    peakRss = Math.max(peakRss, await worker.child.rss());
    const now = Date.now();
    say(`[${label}]   transitions in Postgres ${count}/${expected}${now < windowStart ? `; window opens in ${seconds(windowStart - now)}` : now < lastDeadline ? `; window closes in ${seconds(lastDeadline - now)}` : ''}`);
    if (count >= expected || now > lastDeadline + 60_000) break;
    await sleep(now < windowStart - 10_000 ? 10_000 : 5_000);
  }

  // Postgres: the transaction that wrote each transition stamped its row (created_at = now()).
  const rows = (await stack.db.raw(`select booking_id, type, extract(epoch from created_at) * 1000 as at from booking_events where type in ('status.expired', 'status.active', 'status.ended')`)).rows as { booking_id: string; type: string; at: string }[];
  const seen = new Map(rows.map((row) => [`${row.booking_id}:${row.type}`, Number(row.at)]));
  const pgLags: Record<Transition, number[]> = { expiry: [], start: [], end: [] };
  const missing: Record<Transition, number> = { expiry: 0, start: 0, end: 0 };
  for (const [bookingId, list] of deadlines) {
    for (const { transition, at } of list) {
      const visible = seen.get(`${bookingId}:${TRANSITIONS[transition].event}`);
      if (visible === undefined) missing[transition]++;
      else pgLags[transition].push(visible - at);
    }
  }

  // Search attributes: from the histories (all of them up to 1,500 bookings, an even sample beyond).
  const ids = [...deadlines.keys()];
  const step = Math.max(1, Math.ceil(ids.length / 1500));
  const sample = ids.filter((_, i) => i % step === 0);
  const saLags: Record<Transition, number[]> = { expiry: [], start: [], end: [] };
  say(`[${label}] reading ${sample.length} workflow histories for the search-attribute times`);
  await pool(
    sample,
    10,
    async (bookingId) => {
      const times = await searchAttributeTimes(client, bookingId);
      for (const { transition, at } of deadlines.get(bookingId)!) {
        const upserted = times.get(TRANSITIONS[transition].status);
        if (upserted !== undefined) saLags[transition].push(upserted - at);
      }
    },
    { deadlineMs: Date.now() + 180_000 },
  );

  // The seed: a scheduler at a random phase, for exactly these deadlines.
  const seed = {} as Record<Transition, Summary>;
  for (const transition of Object.keys(TRANSITIONS) as Transition[]) {
    const at = [...deadlines.values()].flat().filter((d) => d.transition === transition).map((d) => d.at);
    seed[transition] = summarize(pollingLags(at, TRANSITIONS[transition].pollMs, Math.random() * TRANSITIONS[transition].pollMs));
  }
  await worker.child.stop();
  return {
    bookings,
    created: creation.done,
    createRatePerS: createRate,
    postgres: { expiry: summarize(pgLags.expiry), start: summarize(pgLags.start), end: summarize(pgLags.end) },
    searchAttribute: { expiry: summarize(saLags.expiry), start: summarize(saLags.start), end: summarize(saLags.end) },
    seed,
    missing,
    workerRssMiB: peakRss / 2 ** 20,
  };
}

export function transitionRows(ctx: PartContext, result: TransitionResult, part: string): void {
  const n = result.bookings;
  for (const transition of Object.keys(TRANSITIONS) as Transition[]) {
    const seed = result.seed[transition];
    for (const [where, summary] of [['Postgres', result.postgres[transition]], ['search attr', result.searchAttribute[transition]]] as const) {
      for (const stat of ['p50', 'p99', 'max'] as const) {
        ctx.rows.push({
          part,
          measure: `${n} open: ${transition} → ${where} lag ${stat} (${summary.count})`,
          value: summary[stat],
          unit: 'ms',
          baseline: { name: `seed ${stat}`, value: seed[stat] },
          ...(stat === 'p99' && n >= 5000 ? { target: { text: 'p99 < 1 s at 5,000', met: summary.p99 < 1000 } } : {}),
          ...(result.missing[transition] > 0 && where === 'Postgres' ? { note: `${result.missing[transition]} never seen` } : {}),
        });
      }
    }
  }
}

export async function runTransitions(ctx: PartContext): Promise<void> {
  const result = await measureTransitions(ctx, ctx.options.bookings, 'transitions');
  ctx.details.transitions = result;
  transitionRows(ctx, result, 'transitions');
}
