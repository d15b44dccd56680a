/**
 * `npm run bench -- [part…] [options]`: which parts to run and at what sizes. Pure, so the test
 * beside it checks the parsing without starting anything.
 */
import { parseArgs } from 'node:util';

export const PARTS = ['transitions', 'creation', 'reads', 'websocket', 'worker', 'growth'] as const;
export type PartName = (typeof PARTS)[number];

export interface BenchOptions {
  parts: PartName[];
  /** Open bookings for the transition lag (1: 1,000 by default, 5,000 with --bookings 5000). */
  bookings: number;
  /** Width of the window the deadlines fall in. */
  windowSeconds: number;
  /** Concurrency levels of the creation throughput part. */
  concurrency: number[];
  /** Requests per concurrency level (per side: booking and bare). */
  requests: number;
  /** Racers on one slot, for the cost of losers. */
  racers: number;
  /** Fixed request rates of the read part. */
  rates: number[];
  /** Seconds each read scenario runs at each rate. */
  readSeconds: number;
  tutors: number;
  /** WebSocket connections (split over two realtime instances) and the bare baseline's sockets. */
  sockets: number;
  /** Messages per second over all pairs. */
  messageRate: number;
  wsSeconds: number;
  /** Open bookings at which the worker's memory is read (cumulative). */
  workerSizes: number[];
  /**
   * Minutes the worker part may spend creating its open bookings (all sizes together); the sizes not
   * reached in that time are extrapolated and marked so. Each booking is the real workflow and
   * activities, ~0.1–0.2 s of CPU on 2 cores: 10,000 take 10–17 minutes here, more than a default run.
   */
  workerMinutes: number;
  /** Seconds the worker part spends replaying open bookings after its restart (the rate is the figure). */
  replaySeconds: number;
  /** Sizes at which growth runs the transition lag (the creation part's concurrency levels give its other axis). */
  growthSizes: number[];
  /** DATABASE_POOL_MAX for every process the bench starts; undefined: the configuration's default. */
  pool: number | undefined;
  /** Settings for every process started (--env KEY=VALUE, repeatable), e.g. WORKER_MAX_CACHED_WORKFLOWS=500 for an A/B. */
  env: Record<string, string>;
  /** Hard cap for the whole run; every part also bounds its own loops. */
  maxMinutes: number;
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [${PARTS.join('|')} …] [options]
  no part named: all of them, in that order
  --bookings N         open bookings for the transition lag (default 1000; the target is at 5000)
  --window S           seconds the deadlines are spread over (default 120)
  --concurrency a,b,c  creation: concurrent clients per level (default 1,5,10,20)
  --requests N         creation: requests per level and side (default 200)
  --racers N           creation: racers on one slot (default 20)
  --rates a,b          reads: fixed request rates (default 200,500)
  --read-seconds S     reads: seconds per scenario and rate (default 10)
  --tutors N           reads: tutors seeded (default 10000)
  --sockets N          websocket: connections over two instances (default 5000)
  --message-rate N     websocket: messages per second over all pairs (default 100)
  --ws-seconds S       websocket: seconds of messaging (default 20)
  --worker-sizes a,b,c worker: open bookings at which memory is read (default 1000,5000,10000)
  --worker-minutes M   worker: minutes for creating the open bookings, all sizes (default 3; 10,000 real ones take 11–17 here)
  --replay-seconds S   worker: seconds of replaying open bookings after the restart (default 45)
  --growth-sizes a,b,c growth: transition lag at these sizes (default 250,500,1000)
  --pool N             DATABASE_POOL_MAX of every process started (default: the configuration's)
  --env KEY=VALUE      a setting for every process started (repeatable), e.g. --env WORKER_MAX_CACHED_WORKFLOWS=500
  --max-minutes M      stop everything after M minutes (default 30; the default run takes ~20)`;

const positive = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number, got ${JSON.stringify(text)}`);
  return value;
};

const list = (name: string, text: string): number[] => {
  const values = text.split(',').map((part) => positive(name, part.trim()));
  if (values.length === 0) throw new Error(`--${name} needs at least one value`);
  return values;
};

const settings = (pairs: string[]): Record<string, string> =>
  Object.fromEntries(
    pairs.map((pair) => {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(pair);
      if (!match) throw new Error(`--env takes KEY=VALUE with an upper-case KEY, got ${JSON.stringify(pair)}`);
      return [match[1]!, match[2]!];
    }),
  );

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      bookings: { type: 'string', default: '1000' },
      window: { type: 'string', default: '120' },
      concurrency: { type: 'string', default: '1,5,10,20' },
      requests: { type: 'string', default: '200' },
      racers: { type: 'string', default: '20' },
      rates: { type: 'string', default: '200,500' },
      'read-seconds': { type: 'string', default: '10' },
      tutors: { type: 'string', default: '10000' },
      sockets: { type: 'string', default: '5000' },
      'message-rate': { type: 'string', default: '100' },
      'ws-seconds': { type: 'string', default: '20' },
      'worker-sizes': { type: 'string', default: '1000,5000,10000' },
      'worker-minutes': { type: 'string', default: '3' },
      'replay-seconds': { type: 'string', default: '45' },
      'growth-sizes': { type: 'string', default: '250,500,1000' },
      'max-minutes': { type: 'string', default: '30' },
      pool: { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  for (const part of positionals) {
    if (!(PARTS as readonly string[]).includes(part)) throw new Error(`unknown part: ${part} (parts: ${PARTS.join(', ')})`);
  }
  const parts = positionals.length === 0 ? [...PARTS] : PARTS.filter((part) => positionals.includes(part));
  const windowSeconds = positive('window', values.window);
  if (windowSeconds < 30) throw new Error('--window must be at least 30 seconds');
  const workerSizes = list('worker-sizes', values['worker-sizes']);
  if (workerSizes.some((size, i) => i > 0 && size <= workerSizes[i - 1]!)) throw new Error('--worker-sizes must rise');
  return {
    parts,
    bookings: positive('bookings', values.bookings),
    windowSeconds,
    concurrency: list('concurrency', values.concurrency),
    requests: positive('requests', values.requests),
    racers: positive('racers', values.racers),
    rates: list('rates', values.rates),
    readSeconds: positive('read-seconds', values['read-seconds']),
    tutors: positive('tutors', values.tutors),
    sockets: positive('sockets', values.sockets),
    messageRate: positive('message-rate', values['message-rate']),
    wsSeconds: positive('ws-seconds', values['ws-seconds']),
    workerSizes,
    workerMinutes: positive('worker-minutes', values['worker-minutes']),
    replaySeconds: positive('replay-seconds', values['replay-seconds']),
    growthSizes: list('growth-sizes', values['growth-sizes']),
    pool: values.pool === undefined ? undefined : positive('pool', values.pool),
    env: settings(values.env),
    maxMinutes: positive('max-minutes', values['max-minutes']),
    help: values.help,
  };
}
