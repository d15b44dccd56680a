/**
 * 5. Worker memory and cache: the booking worker's RSS and V8 heap at rising numbers of open
 * bookings, all waiting on their request-expiry timer (a day away), the sticky cache those use, and
 * the time to rebuild after a restart: a fresh worker answering a query on every open booking,
 * each of which replays that booking's history. Baseline: the same worker with no open booking.
 */
import path from 'node:path';
import { loadConfig } from '../../domain/config.js';
import { bookingWorkflowId, getBookingQuery } from '../../workflows/booking/definitions.js';
import { seedTutors } from '../search/seed.js';
import { benchStack } from '../lib/bench-stack.js';
import { bookablePeople, pool, seedStudentsUpTo, startBooking, temporalClient, workflowInput } from '../lib/bookings.js';
import { seconds, type PartContext } from '../lib/context.js';
import { sleep, type MemorySample } from '../lib/processes.js';
import { startWorker } from '../lib/worker.js';

const MiB = 2 ** 20;
const CREATE_CONCURRENCY = 20;

/** The SDK's default sticky cache size for a heap limit (worker-options.js, reuseV8Context). */
export const defaultMaxCachedWorkflows = (heapLimitBytes: number) => Math.max(Math.floor((Math.max(heapLimitBytes / MiB - 200, 0) * 600) / 1024), 10);

/**
 * RSS split into the main thread's V8 heap (committed, used), the workflow thread's (where the
 * sticky cache lives), external buffers, and the rest: native (the Temporal core, malloc), code, stacks.
 */
const breakdown = (m: MemorySample) => {
  const mib = (bytes: number) => (bytes / MiB).toFixed(0);
  const thread = m.threadHeapTotal ?? 0;
  return `RSS ${mib(m.rss)} MiB = main heap ${mib(m.heapTotal)} (${mib(m.heapUsed)} used) + workflow thread heap ${mib(thread)} (${mib(m.threadHeapUsed ?? 0)} used) + external ${mib(m.external)} + native/other ${mib(m.rss - m.heapTotal - thread - m.external)}`;
};

async function settledMemory(read: () => Promise<MemorySample | undefined>): Promise<MemorySample> {
  await sleep(8_000);
  const samples: MemorySample[] = [];
  for (let i = 0; i < 3; i++) {
    const sample = await read();
    if (sample) samples.push(sample);
    await sleep(1_100);
  }
  if (samples.length === 0) throw new Error('the worker wrote no memory sample');
  return samples.reduce((a, b) => (b.heapUsed < a.heapUsed ? b : a));
}

export async function runWorker(ctx: PartContext): Promise<void> {
  const { say, options } = ctx;
  const logDir = path.join(ctx.logDir, 'worker');
  const largest = options.workerSizes.at(-1)!;
  const stack = await benchStack('worker', { LOG_LEVEL: 'warn' });
  const config = loadConfig(stack.env);
  say(`[worker] seeding ${largest} tutors`);
  await seedTutors(stack.db, largest);
  // One student per booking: the search seed's students already have lessons, and a student has one lesson at a time.
  await seedStudentsUpTo(stack.db, largest);
  const people = await bookablePeople(stack.db);
  let worker = await startWorker(ctx.root, logDir, { ...stack.env, LOG_LEVEL: 'info' });
  const client = await temporalClient(config);
  const idle = await settledMemory(worker.child.memory);
  // WORKER_MAX_CACHED_WORKFLOWS (e.g. --env WORKER_MAX_CACHED_WORKFLOWS=250), or the SDK's default for the heap.
  const cacheMax = config.worker.maxCachedWorkflows || defaultMaxCachedWorkflows(idle.heapLimit);
  say(`[worker] idle: ${breakdown(idle)}; sticky cache holds up to ${cacheMax} workflows (heap limit ${(idle.heapLimit / MiB).toFixed(0)} MiB)`);

  const far = Date.now() + 86_400_000;
  const ids: string[] = [];
  // Creating bookings is the slow half: all sizes together get at most --worker-minutes.
  const budgetEnds = Date.now() + options.workerMinutes * 60_000;
  const points: { open: number; rssMiB: number; heapMiB: number; cacheUsed: number }[] = [];
  for (const size of options.workerSizes) {
    const plans = Array.from({ length: size - ids.length }, (_, k) => {
      const i = ids.length + k;
      return workflowInput(config, {
        tutorId: people.tutors[i % people.tutors.length]!,
        studentId: people.students[i % people.students.length]!,
        // A student has one lesson at a time (the student-overlap constraint closes the others at once):
        // with a student per booking every round is the first; were there fewer, each round an hour later.
        sessionStart: new Date(far + 3_600_000 + Math.floor(i / people.students.length) * 3_600_000),
        sessionEnd: new Date(far + 3_600_000 + Math.floor(i / people.students.length) * 3_600_000 + 1_800_000),
        requestExpiresAt: new Date(far),
        instant: false,
      });
    });
    const began = Date.now();
    const created = await pool(
      plans,
      CREATE_CONCURRENCY,
      async (input) => {
        const status = await startBooking(client, config, input);
        // Only an open booking counts: a refused hold ends its workflow at once.
        if (!['PENDING_PAYMENT', 'REQUESTED', 'SCHEDULED'].includes(status)) throw new Error(`answered ${status}`);
        ids.push(input.bookingId);
      },
      { deadlineMs: budgetEnds, progress: (done) => say(`[worker]   open bookings ${ids.length}/${size} (${(done / ((Date.now() - began) / 1000)).toFixed(1)}/s)`) },
    );
    if (created.failed > 0) say(`[worker]   ${created.failed} failed: ${created.errors[0]}`);
    const memory = await settledMemory(worker.child.memory);
    const point = { open: ids.length, rssMiB: memory.rss / MiB, heapMiB: memory.heapUsed / MiB, cacheUsed: Math.min(ids.length, cacheMax) };
    points.push(point);
    say(`[worker] ${ids.length} open: ${breakdown(memory)}, sticky cache ${point.cacheUsed}/${cacheMax}`);
    ctx.rows.push(
      {
        part: 'worker',
        measure: `${ids.length} open bookings: worker RSS${ids.length < size ? ` (wanted ${size}: creation budget spent)` : ''}`,
        value: point.rssMiB,
        unit: 'MiB',
        baseline: { name: 'MiB with none open', value: idle.rss / MiB },
        ...(size >= 10_000 ? { target: { text: '< 512 MB RSS at 10k', met: ids.length >= 10_000 && memory.rss < 512 * 1e6 } } : {}),
      },
      { part: 'worker', measure: `${ids.length} open bookings: V8 heap used (sticky cache ${point.cacheUsed}/${cacheMax})`, value: point.heapMiB, unit: 'MiB', baseline: { name: 'MiB with none open', value: idle.heapUsed / MiB } },
    );
    if (Date.now() >= budgetEnds) break;
  }

  // Beyond the sizes reached: the sticky cache caps what stays in memory, so RSS grows with the
  // cached workflows (min(open, cache size)) at the per-workflow cost measured between the sizes.
  if (points.length >= 2) {
    const first = points[0]!;
    const last = points.at(-1)!;
    // Per cached workflow between the sizes, or from idle when the cache was already full at the first.
    const perWorkflowMiB =
      last.cacheUsed > first.cacheUsed ? (last.rssMiB - first.rssMiB) / (last.cacheUsed - first.cacheUsed) : (first.rssMiB - idle.rss / MiB) / Math.max(1, first.cacheUsed);
    // Every size asked for and not reached within --worker-minutes, and the target's 10,000.
    const beyond = [...new Set([...options.workerSizes, 10_000])].filter((size) => size > last.open).sort((a, b) => a - b);
    for (const size of beyond) {
      const cached = Math.min(size, cacheMax);
      const at = last.rssMiB + (cached - last.cacheUsed) * perWorkflowMiB;
      say(`[worker] ${(perWorkflowMiB * 1024).toFixed(0)} KiB RSS per cached booking → extrapolated RSS at ${size.toLocaleString('en-US')} open (cache ${cached}): ${at.toFixed(0)} MiB`);
      ctx.rows.push({
        part: 'worker',
        measure: `${size.toLocaleString('en-US')} open bookings: RSS EXTRAPOLATED (${(perWorkflowMiB * 1024).toFixed(0)} KiB per cached booking × cache ${cached})`,
        value: at,
        unit: 'MiB',
        baseline: { name: 'MiB with none open', value: idle.rss / MiB },
        ...(size >= 10_000 ? { target: { text: '< 512 MB RSS at 10k (extrapolated)', met: at * MiB < 512 * 1e6 } } : {}),
      });
    }
  }

  // Restart: a new worker process, then one query per open booking (each replays its history).
  await worker.child.stop();
  worker = await startWorker(ctx.root, logDir, { ...stack.env, LOG_LEVEL: 'info' }, 'worker-restarted');
  const began = Date.now();
  const queried = await pool(ids, CREATE_CONCURRENCY, async (id) => void (await client.workflow.getHandle(bookingWorkflowId(id)).query(getBookingQuery)), {
    deadlineMs: Date.now() + options.replaySeconds * 1000,
    progress: (done) => say(`[worker]   rebuilt ${done}/${ids.length}`),
  });
  const rebuildS = (Date.now() - began) / 1000;
  const after = await settledMemory(worker.child.memory);
  say(`[worker] restart: polling after ${seconds(worker.startMs)}; ${queried.done}/${ids.length} bookings replayed in ${rebuildS.toFixed(1)} s (${(queried.done / rebuildS).toFixed(0)}/s); then ${breakdown(after)}`);
  ctx.rows.push(
    { part: 'worker', measure: `restart: worker start to polling (bundling included)`, value: worker.startMs / 1000, unit: 's' },
    { part: 'worker', measure: `restart: replay of ${queried.done} open bookings (one query each)`, value: rebuildS, unit: 's', note: `${(queried.done / rebuildS).toFixed(0)}/s` },
    { part: 'worker', measure: `restart: RSS after replaying ${queried.done} (sticky cache ${Math.min(queried.done, cacheMax)}/${cacheMax})`, value: after.rss / MiB, unit: 'MiB', baseline: { name: 'MiB with none open', value: idle.rss / MiB } },
  );
  ctx.details.worker = { idle, cacheMax, points, rebuild: { startS: worker.startMs / 1000, replayed: queried.done, seconds: rebuildS, rssMiB: after.rss / MiB } };
}
