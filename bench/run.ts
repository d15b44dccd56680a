/**
 * `npm run bench -- [part…] [options]` (bench/run.sh raises the open-file limit first). Runs each
 * part on the bench stack profile, prints every figure beside its same-run baseline and the ratio,
 * writes the run as JSON under bench/results/, and stops everything it started — at the end, on
 * Ctrl-C, on a failure, or when the run's time cap (--max-minutes) passes.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, type BenchOptions, type PartName, USAGE } from './lib/args.js';
import type { PartContext } from './lib/context.js';
import { runOverrides, startBenchServers } from './lib/bench-stack.js';
import { creationMeter } from './lib/bookings.js';
import { stopAll } from './lib/processes.js';
import { formatTable, machine, runCostRows, writeResults, type PartCost, type Row } from './lib/report.js';
import { runCreation } from './parts/creation.js';
import { runGrowth } from './parts/growth.js';
import { runReads } from './parts/reads.js';
import { runTransitions } from './parts/transitions.js';
import { runWebSocket } from './parts/websocket.js';
import { runWorker } from './parts/worker-memory.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(ROOT, 'bench', 'results');

const PART_RUNNERS: Record<PartName, (ctx: PartContext) => Promise<void>> = {
  transitions: runTransitions,
  creation: runCreation,
  reads: runReads,
  websocket: runWebSocket,
  worker: runWorker,
  growth: runGrowth,
};

const startedAt = new Date();
const clock = () => `${((Date.now() - startedAt.getTime()) / 60_000).toFixed(1).padStart(5)} min`;
const say = (line: string) => process.stdout.write(`${clock()}  ${line}\n`);

let options: BenchOptions;
try {
  options = parseBenchArgs(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

const rows: Row[] = [];
/** What each part took: wall time, and what creating bookings cost the bench process itself. */
const costs: PartCost[] = [];
const details: Record<string, unknown> = {};
const failures: string[] = [];
let finishing: Promise<void> | undefined;

async function finish(code: number, reason?: string): Promise<void> {
  finishing ??= (async () => {
    if (reason) say(reason);
    say('stopping everything this run started…');
    await stopAll(say);
    await servers?.stop().catch((error: unknown) => say(`stopping the bench stack: ${(error as Error).message}`));
    if (rows.length > 0) {
      const all = [...rows, ...runCostRows(costs, Date.now() - startedAt.getTime())];
      process.stdout.write(`\n${formatTable(all)}\n\n`);
      const file = await writeResults(RESULTS, { startedAt, command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(), options, rows: all, details: { ...details, costs, failures } });
      say(`results: ${path.relative(ROOT, file)}`);
    }
    if (failures.length > 0) say(`failed parts: ${failures.join('; ')}`);
    process.exit(failures.length > 0 ? 1 : code);
  })();
  return finishing;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void finish(130, `${signal}: stopping`));
// A part's loop may still be sending when its connections close on the way out: stopping goes on.
process.on('uncaughtException', (error) => {
  if (finishing) return;
  failures.push(`uncaught: ${error.message}`);
  void finish(1, `uncaught: ${error.stack ?? error.message}`);
});
setTimeout(() => void finish(1, `time cap of ${options.maxMinutes} min reached`), options.maxMinutes * 60_000).unref();

const m = machine();
say(`bench: ${options.parts.join(', ')} on ${m.cpus} CPU(s) (${m.cpuModel}), ${m.memoryGiB} GiB, load ${m.loadAverage.join(' ')}, Node ${m.node}`);
if (options.pool !== undefined) runOverrides.DATABASE_POOL_MAX = String(options.pool);
Object.assign(runOverrides, options.env);
let servers: { stop(): Promise<void> } | undefined;
try {
  servers = await startBenchServers(ROOT, say);
} catch (error) {
  failures.push(`bench stack: ${(error as Error).message}`);
  await finish(1);
}
for (const part of options.parts) {
  const began = Date.now();
  say(`== ${part}`);
  try {
    await PART_RUNNERS[part]({ root: ROOT, options, logDir: path.join(RESULTS, 'logs'), say, rows, details });
    say(`== ${part} done in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  } catch (error) {
    failures.push(`${part}: ${(error as Error).message}`);
    say(`== ${part} FAILED: ${(error as Error).stack ?? error}`);
  }
  const creating = creationMeter.take();
  costs.push({ part, seconds: (Date.now() - began) / 1000, ...(creating ? { creating } : {}) });
  if (creating) say(`   bench process: ${creating.bookings} bookings at ${creating.perSecond.toFixed(1)}/s, ${creating.cpuMsPerBooking.toFixed(1)} ms of its own CPU each (client, fakes, Stripe proxy)`);
  // Each part stops what it started before the next begins, so parts never load each other.
  await stopAll(say);
}
await finish(0);
