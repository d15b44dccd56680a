/**
 * The bench suite's own code, cheaply: its stack profile keeps off the dev and test ports, its
 * arguments parse, and its report puts every figure beside its baseline with the ratio. The
 * benchmarks themselves (bench/) never run in the test run.
 */
import { describe, expect, test } from 'vitest';
import { parseBenchArgs, PARTS } from '../../bench/lib/args.js';
import { CreationMeter } from '../../bench/lib/bookings.js';
import { subtreeCpuMs } from '../../bench/lib/cpu.js';
import { formatTable, ratioOf, runCostRows } from '../../bench/lib/report.js';
import { growthExponent, pollingLags, summarize } from '../../bench/lib/stats.js';
import { STACK_PROFILES } from '../../scripts/stack/profiles.js';

const portsOf = (name: keyof typeof STACK_PROFILES): number[] => Object.values(STACK_PROFILES[name].ports).filter((port): port is number => port !== null);

describe('the bench profile', () => {
  test('shares no port with the dev or the test stack', () => {
    const taken = [...portsOf('dev'), ...portsOf('test')];
    expect(portsOf('bench').filter((port) => taken.includes(port))).toEqual([]);
  });
});

describe('npm run bench arguments', () => {
  test('no part named runs every part at the default sizes', () => {
    const options = parseBenchArgs([]);
    expect(options.parts).toEqual([...PARTS]);
    expect(options).toMatchObject({ bookings: 1000, sockets: 5000, rates: [200, 500], workerSizes: [1000, 5000, 10000] });
  });

  test('the default run is bounded: the worker part creates for 3 minutes and replays for 45 s, the whole run stops at 30', () => {
    expect(parseBenchArgs([])).toMatchObject({ workerMinutes: 3, replaySeconds: 45, maxMinutes: 30 });
    expect(parseBenchArgs(['worker', '--worker-minutes', '15', '--replay-seconds', '300'])).toMatchObject({ workerMinutes: 15, replaySeconds: 300 });
    expect(() => parseBenchArgs(['--worker-minutes', '0'])).toThrow(/positive whole number/);
  });

  test('one part alone, at the size given', () => {
    expect(parseBenchArgs(['transitions', '--bookings', '5000'])).toMatchObject({ parts: ['transitions'], bookings: 5000 });
  });

  test('refuses an unknown part, a size that is not a positive whole number, and falling worker sizes', () => {
    expect(() => parseBenchArgs(['everything'])).toThrow(/unknown part/);
    expect(() => parseBenchArgs(['--bookings', '2.5'])).toThrow(/positive whole number/);
    expect(() => parseBenchArgs(['--worker-sizes', '5000,1000'])).toThrow(/must rise/);
    expect(() => parseBenchArgs(['--env', 'cache=5'])).toThrow(/KEY=VALUE/);
  });

  test('--env passes settings to every process started, for an A/B of one setting', () => {
    expect(parseBenchArgs(['worker', '--env', 'WORKER_MAX_CACHED_WORKFLOWS=500', '--env', 'DATABASE_POOL_MAX=30']).env).toEqual({ WORKER_MAX_CACHED_WORKFLOWS: '500', DATABASE_POOL_MAX: '30' });
    expect(parseBenchArgs([]).env).toEqual({});
  });
});

describe('the report', () => {
  test('prints each figure beside its baseline, with the ratio and the target verdict', () => {
    const row = { part: 'creation', measure: '10 concurrent: requests/s', value: 30, unit: '/s', baseline: { name: 'bare/s', value: 120 }, target: { text: '≥ 0.5× bare', met: false } };
    expect(ratioOf(row)).toBe(0.25);
    const table = formatTable([row]);
    expect(table).toContain('120 bare/s');
    expect(table).toContain('0.25×');
    expect(table).toContain('NOT met: ≥ 0.5× bare');
  });

  test("the seed's polling lag: a deadline waits for the scheduler's next wake-up", () => {
    // Wake-ups at 10 s, 70 s, 130 s…: deadlines at 10 s, 11 s and 69 s wait 0, 59 and 1 s.
    expect(pollingLags([10_000, 11_000, 69_000], 60_000, 10_000)).toEqual([0, 59_000, 1_000]);
    expect(summarize([3, 1, 2])).toMatchObject({ count: 3, p50: 2, max: 3 });
  });

  test('the growth exponent tells linear from quadratic', () => {
    expect(growthExponent([1, 2, 4].map((x) => ({ x, y: 5 * x })))).toBeCloseTo(1);
    expect(growthExponent([1, 2, 4].map((x) => ({ x, y: x * x })))).toBeCloseTo(2);
  });

  test("the run's own cost follows the figures: each part's wall time, the bench's CPU per booking, the whole run", () => {
    const rows = runCostRows(
      [
        { part: 'transitions', seconds: 240, creating: { bookings: 1040, perSecond: 20.8, cpuMsPerBooking: 31.25 } },
        { part: 'reads', seconds: 90 },
      ],
      1_260_000,
    );
    expect(rows.map((row) => [row.measure, row.value, row.unit])).toEqual([
      ['transitions: wall time', 4, 'min'],
      ['transitions: bench process CPU per booking created (client, fakes, Stripe proxy; 1040 at 20.8/s)', 31.25, 'CPU ms'],
      ['reads: wall time', 1.5, 'min'],
      ['whole run: wall time (2 parts)', 21, 'min'],
    ]);
  });
});

describe("the bench process's own cost of creating bookings", () => {
  test('counts the bookings answered while any is in flight, and starts over at each take', () => {
    const meter = new CreationMeter();
    expect(meter.take()).toBeUndefined();
    meter.started();
    meter.started();
    meter.finished(true);
    meter.finished(false);
    meter.started();
    meter.finished(true);
    const taken = meter.take();
    expect(taken).toMatchObject({ bookings: 2 });
    expect(taken!.cpuMsPerBooking).toBeGreaterThanOrEqual(0);
    expect(meter.take()).toBeUndefined();
  });
});

describe('CPU per process', () => {
  test("the bench process's figure holds only itself, not the processes it started and measures apart", () => {
    // bench (1) started the API (2), the worker (3) and Postgres (4), whose backend (5) is Postgres's CPU.
    const table = new Map([
      [1, { ppid: 0, cpuMs: 10 }],
      [2, { ppid: 1, cpuMs: 20 }],
      [3, { ppid: 1, cpuMs: 100 }],
      [4, { ppid: 1, cpuMs: 3 }],
      [5, { ppid: 4, cpuMs: 7 }],
    ]);
    const apart = new Set([1, 2, 3, 4]);
    expect([1, 2, 3, 4].map((pid) => subtreeCpuMs(table, pid, apart))).toEqual([10, 20, 100, 10]);
    expect(subtreeCpuMs(table, 1)).toBe(140);
  });
});
