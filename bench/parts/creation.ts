/**
 * 2. Booking creation throughput: POST /api/bookings (update-with-start, reserve + authorize, the
 * Stripe fake) at rising concurrency, against the bare baseline — client.workflow.start of a
 * trivial workflow that runs one no-op activity, waiting for its result, on the same Temporal
 * server in the same run. Then the cost of losers: racers on one slot. And where a request's
 * time goes, from the histories of a sample of the bookings.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../domain/config.js';
import { bookingWorkflowId } from '../../workflows/booking/definitions.js';
import { seedTutors } from '../search/seed.js';
import { bearer, saveTestCards, startApi } from '../lib/api.js';
import { benchStack } from '../lib/bench-stack.js';
import { temporalClient } from '../lib/bookings.js';
import { seconds, type PartContext } from '../lib/context.js';
import { cpuMeter, readPid } from '../lib/cpu.js';
import { breakdown, meanSegments } from '../lib/history-breakdown.js';
import { spawnEntry } from '../lib/processes.js';
import { summarize, type Summary } from '../lib/stats.js';
import { startWorker } from '../lib/worker.js';

const BARE_QUEUE = 'bare-bench';
/** Each level stops at --requests or after this long, whichever comes first. */
const LEVEL_MS = 25_000;
const TUTORS = 100;

interface Level {
  concurrency: number;
  done: number;
  errors: number;
  perSecond: number;
  latency: Summary;
}

/** Closed loop: `concurrency` clients, each sending its next request when the previous answered. */
async function closedLoop(concurrency: number, total: number, call: (index: number) => Promise<boolean>): Promise<Level> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const until = Date.now() + LEVEL_MS;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total && Date.now() < until) {
        const index = next++;
        const sent = performance.now();
        const ok = await call(index).catch(() => false);
        if (ok) latencies.push(performance.now() - sent);
        else errors++;
      }
    }),
  );
  const elapsedS = (performance.now() - began) / 1000;
  return { concurrency, done: latencies.length, errors, perSecond: latencies.length / elapsedS, latency: summarize(latencies) };
}

export async function runCreation(ctx: PartContext): Promise<void> {
  const { say, options } = ctx;
  const logDir = path.join(ctx.logDir, 'creation');
  const stack = await benchStack('creation', { LOG_LEVEL: 'info' });
  const config = loadConfig(stack.env);
  // Tutors free around the clock in UTC, at any notice, on a 30-minute grid; many students.
  await seedTutors(stack.db, TUTORS);
  await stack.db.raw(`update tutor_profiles set lesson_lengths = '{30,60}', published = true, time_zone = 'UTC', instant_booking = false, stripe_account_id = 'acct_' || substr(replace(user_id::text, '-', ''), 1, 16), payouts_enabled = true`);
  await stack.db.raw('delete from availability_rules');
  await stack.db.raw(`insert into availability_rules (tutor_id, weekday, start_minute, end_minute) select user_id, d, 0, 1440 from tutor_profiles cross join generate_series(0, 6) d`);
  await stack.db.raw(`insert into tutor_scheduling (tutor_id, buffer_minutes, minimum_notice_minutes, booking_horizon_days, slot_step_minutes) select user_id, 0, 0, 365, 30 from tutor_profiles`);
  const tutors = (await stack.db.raw(`select user_id from tutor_profiles order by user_id`)).rows.map((r: { user_id: string }) => r.user_id) as string[];
  const studentIds = (await stack.db.raw(`select id from users where role = 'student' order by id limit ${TUTORS}`)).rows.map((r: { id: string }) => r.id) as string[];
  await saveTestCards(config, stack.db, studentIds);
  const students = await Promise.all(studentIds.map((id) => bearer(config, id, 'student')));

  const [worker, api, bare] = await Promise.all([
    startWorker(ctx.root, logDir, stack.env),
    startApi(ctx.root, logDir, stack.env),
    spawnEntry('bare-worker', path.join(ctx.root, 'bench', 'bare', 'worker.ts'), { root: ctx.root, logDir, env: { ...stack.env, BARE_TASK_QUEUE: BARE_QUEUE } }),
  ]);
  await bare.waitForLine('bare worker polling', 240_000);
  say(`[creation] API, booking worker (${seconds(worker.startMs)}) and bare worker up`);
  const client = await temporalClient(config);

  // Every request a slot of its own: tutor k % TUTORS and student k % TUTORS (a student never has two
  // lessons at once), 30 minutes later per round, from day 10 on.
  const base = new Date(Date.now() + 10 * 86_400_000);
  base.setUTCHours(0, 0, 0, 0);
  let slotIndex = 0;
  // Statuses of the current level: 202 is the API's answer past BOOKING_UPDATE_TIMEOUT (the workflow goes on).
  let statuses: Record<number, number> = {};
  const bookingIds: { id: string; sentAt: number; answeredAt: number; concurrency: number }[] = [];
  const book = async (concurrency: number): Promise<boolean> => {
    const k = slotIndex++;
    const tutorId = tutors[k % tutors.length]!;
    const start = new Date(base.getTime() + Math.floor(k / tutors.length) * 30 * 60_000).toISOString();
    const sentAt = Date.now();
    const response = await fetch(`${api.baseUrl}/api/bookings`, {
      method: 'POST',
      headers: { Authorization: students[k % students.length]!, 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
      body: JSON.stringify({ tutorId, start, lengthMinutes: 30, paymentMethodId: 'pm_card_visa' }),
    });
    const body = (await response.json()) as { bookingId?: string; title?: string; detail?: string };
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    if (response.status !== 201) {
      if (bookingIds.length === 0) say(`[creation]   POST /api/bookings → ${response.status} ${body.title ?? ''} ${body.detail ?? ''}`);
      return false;
    }
    bookingIds.push({ id: body.bookingId!, sentAt, answeredAt: Date.now(), concurrency });
    return true;
  };
  const bareCall = async (): Promise<boolean> => {
    const handle = await client.workflow.start('bareWorkflow', { taskQueue: BARE_QUEUE, workflowId: `bare-${randomUUID()}` });
    return (await handle.result()) === 'ok';
  };

  // Warm-up of both paths (JIT, connections, caches), not counted.
  for (let i = 0; i < 5; i++) await Promise.all([book(0), bareCall()]);
  bookingIds.length = 0;

  // CPU each request costs in each process: steadier than wall time on a shared machine.
  const run = path.join(ctx.root, '.data', 'bench', 'run');
  const pids = {
    'booking worker': worker.child.pid,
    api: api.child.pid,
    'bare worker': bare.pid,
    temporal: await readPid(path.join(run, 'temporal.pid')),
    postgres: await readPid(path.join(run, 'postgres.pid')),
    'stripe-mock': await readPid(path.join(run, 'stripe-mock.pid')),
    'bench (client, fakes, Stripe proxy)': process.pid,
  };
  const levels: { bare: Level; booking: Level; bareCpuMsPerRequest: Record<string, number>; bookingCpuMsPerRequest: Record<string, number> }[] = [];
  const perRequest = (cpu: Record<string, number>, n: number) => Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, Math.round((ms / Math.max(1, n)) * 10) / 10]));
  for (const concurrency of options.concurrency) {
    let meter = await cpuMeter(pids);
    const bareLevel = await closedLoop(concurrency, options.requests, () => bareCall());
    const bareCpu = perRequest(await meter.stop(), bareLevel.done);
    meter = await cpuMeter(pids);
    statuses = {};
    const bookingLevel = await closedLoop(concurrency, options.requests, () => book(concurrency));
    const bookingCpu = perRequest(await meter.stop(), bookingLevel.done);
    const answered = Object.entries(statuses).map(([status, count]) => `${count}×${status}`).join(' ');
    levels.push({ bare: bareLevel, booking: bookingLevel, bareCpuMsPerRequest: bareCpu, bookingCpuMsPerRequest: bookingCpu, statuses: { ...statuses } } as (typeof levels)[number]);
    say(`[creation]   CPU ms per booking: ${Object.entries(bookingCpu).map(([name, ms]) => `${name} ${ms}`).join(', ')}`);
    say(`[creation]   CPU ms per bare workflow: ${Object.entries(bareCpu).map(([name, ms]) => `${name} ${ms}`).join(', ')}`);
    const cpuTotal = (cpu: Record<string, number>) => Object.values(cpu).reduce((a, b) => a + b, 0);
    ctx.rows.push({
      part: 'creation',
      measure: `${concurrency} concurrent: CPU per request, all processes (worker ${bookingCpu['booking worker']}, API ${bookingCpu.api}, Temporal ${bookingCpu.temporal}, Postgres ${bookingCpu.postgres})`,
      value: cpuTotal(bookingCpu),
      unit: 'CPU ms',
      baseline: { name: 'bare CPU ms', value: cpuTotal(bareCpu) },
    });
    say(`[creation]   ${concurrency} concurrent: booking ${bookingLevel.perSecond.toFixed(1)}/s p50 ${bookingLevel.latency.p50.toFixed(0)} ms (${bookingLevel.errors} errors) · bare ${bareLevel.perSecond.toFixed(1)}/s p50 ${bareLevel.latency.p50.toFixed(0)} ms`);
    const ratio = bookingLevel.perSecond / bareLevel.perSecond;
    ctx.rows.push(
      { part: 'creation', measure: `${concurrency} concurrent: bookings/s (answers ${answered})`, value: bookingLevel.perSecond, unit: '/s', baseline: { name: 'bare/s', value: bareLevel.perSecond }, target: { text: '≥ 0.5× bare', met: ratio >= 0.5 } },
      { part: 'creation', measure: `${concurrency} concurrent: latency p50`, value: bookingLevel.latency.p50, unit: 'ms', baseline: { name: 'bare p50', value: bareLevel.latency.p50 } },
      { part: 'creation', measure: `${concurrency} concurrent: latency p99`, value: bookingLevel.latency.p99, unit: 'ms', baseline: { name: 'bare p99', value: bareLevel.latency.p99 } },
    );
  }

  // Where the time goes: the histories of up to 40 bookings of the lowest and the highest level.
  const breakdownFor = async (concurrency: number) => {
    const sample = bookingIds.filter((b) => b.concurrency === concurrency).slice(0, 40);
    const all: Record<string, number>[] = [];
    let workflowTasks = 0;
    let activities = 0;
    let localActivities = 0;
    for (const booking of sample) {
      const history = await client.workflow.getHandle(bookingWorkflowId(booking.id)).fetchHistory();
      const { segments, startedAt, updateCompletedAt, ...counts } = breakdown(history.events ?? []);
      workflowTasks += counts.workflowTasks;
      activities += counts.activities;
      localActivities += counts.localActivities;
      segments['API before the workflow started (checks, reads, gRPC)'] = Math.max(0, startedAt - booking.sentAt);
      if (updateCompletedAt !== undefined) segments['update answer back to the API and the client'] = Math.max(0, booking.answeredAt - updateCompletedAt);
      all.push(segments);
    }
    const per = (count: number) => count / Math.max(1, all.length);
    return {
      concurrency,
      samples: all.length,
      workflowTasksPerRequest: per(workflowTasks),
      activitiesPerRequest: per(activities),
      localActivitiesPerRequest: per(localActivities),
      meanMs: Object.fromEntries(meanSegments(all).map(([name, ms]) => [name, Math.round(ms * 10) / 10])),
    };
  };
  const lowest = Math.min(...options.concurrency);
  const highest = Math.max(...options.concurrency);
  const breakdowns = [await breakdownFor(lowest), ...(highest !== lowest ? [await breakdownFor(highest)] : [])];
  for (const b of breakdowns) {
    say(`[creation] where a booking request's time goes at ${b.concurrency} concurrent (mean of ${b.samples}, ms; ${b.workflowTasksPerRequest.toFixed(1)} workflow tasks, ${b.activitiesPerRequest.toFixed(1)} activities and ${b.localActivitiesPerRequest.toFixed(1)} local activities before the answer):`);
    for (const [name, ms] of Object.entries(b.meanMs)) say(`[creation]     ${String(ms).padStart(8)}  ${name}`);
  }

  // Losers: racers on one slot, all at once; then the same number after the slot is taken.
  const racersResult = await racers(ctx, api.baseUrl, client, tutors[0]!, students, new Date(base.getTime() - 86_400_000).toISOString());
  ctx.details.creation = { levels, breakdowns, racers: racersResult };
}

async function racers(ctx: PartContext, baseUrl: string, client: Client, tutorId: string, students: string[], start: string) {
  const n = Math.min(ctx.options.racers, students.length);
  const race = async (index: number) => {
    const sent = performance.now();
    const response = await fetch(`${baseUrl}/api/bookings`, {
      method: 'POST',
      headers: { Authorization: students[index]!, 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
      body: JSON.stringify({ tutorId, start, lengthMinutes: 30, paymentMethodId: 'pm_card_visa' }),
    });
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - sent };
  };
  const before = await client.workflow.count(`TutorId = "${tutorId}"`);
  const concurrent = await Promise.all(Array.from({ length: n }, (_, i) => race(i)));
  const late = [];
  for (let i = 0; i < n; i++) late.push(await race(i));
  const after = await client.workflow.count(`TutorId = "${tutorId}"`);
  const winners = concurrent.filter((r) => r.status === 201).length;
  const racingLosers = summarize(concurrent.filter((r) => r.status === 409).map((r) => r.ms));
  const lateLosers = summarize(late.filter((r) => r.status === 409).map((r) => r.ms));
  const workflows = after.count - before.count;
  ctx.say(`[creation] ${n} racers on one slot: ${winners} won, ${racingLosers.count} got 409 (p50 ${racingLosers.p50.toFixed(0)} ms); afterwards ${lateLosers.count} × 409 (p50 ${lateLosers.p50.toFixed(0)} ms); workflow executions created: ${workflows}`);
  ctx.rows.push(
    { part: 'creation', measure: `${n} racers on one slot: loser 409 p50 (${racingLosers.count} losers, ${winners} winner)`, value: racingLosers.p50, unit: 'ms', baseline: { name: '409 p50 once taken', value: lateLosers.p50 } },
    { part: 'creation', measure: `${n} racers + ${n} late requests: workflow executions created`, value: workflows, unit: 'runs', baseline: { name: 'bookings made', value: winners } },
  );
  return { n, winners, racingLosers, lateLosers, workflowsCreated: workflows, statuses: concurrent.map((r) => r.status) };
}
