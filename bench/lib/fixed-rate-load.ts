/**
 * An open-loop HTTP load generator for the read part, run as a process of its own (`FixedRateLoad`
 * forks this file), so its timers and sockets do not share an event loop with the bench.
 *
 * Request i is due at start + i / rate, evenly spaced, whether or not earlier answers came back,
 * and its latency is measured from that due time, not from when it was written: a server (or a
 * generator) that falls behind is charged for the wait (no coordinated omission). autocannon's
 * `overallRate`, used before, sends each connection's quota for the second back to back at the
 * start of every second (250 connections × 2 at 500 rps: bursts of 250 at once) and records each
 * answer once per millisecond of its latency, which inflated the bare hello-world's p99 to 71 ms.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { percentile } from './stats.js';

export interface LoadSpec {
  url: string;
  headers?: Record<string, string>;
  rate: number;
  seconds: number;
  /** At most this many requests in flight (open sockets); a request due while all are busy waits, and is charged for it. */
  connections: number;
  timeoutMs: number;
}

export interface LoadResult {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  achievedRps: number;
  /** How late the generator wrote requests past their due time (p99, ms): large means the generator, not the server, was behind. */
  sendLagP99: number;
}

/** stats.ts's nearest-rank percentile of sorted values, rounded to 0.1 ms; 0 when nothing answered. */
function roundedPercentile(sorted: readonly number[], p: number): number {
  const value = percentile(sorted, p);
  return Number.isNaN(value) ? 0 : Math.round(value * 10) / 10;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const total = Math.round(spec.rate * spec.seconds);
  const intervalMs = 1000 / spec.rate;
  const latencies: number[] = [];
  const sendLags: number[] = [];
  let errors = 0;
  let sent = 0;
  let done = 0;
  const start = performance.now() + 5;
  let lastAnswer = start;

  await new Promise<void>((resolve) => {
    const finish = (scheduled: number, ok: boolean) => {
      const now = performance.now();
      lastAnswer = now;
      if (ok) latencies.push(now - scheduled);
      else errors++;
      if (++done === total) resolve();
    };
    const send = (scheduled: number) => {
      const request = http.get(spec.url, { agent, headers: spec.headers ?? {} }, (response) => {
        const ok = response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300;
        response.resume();
        response.once('end', () => finish(scheduled, ok));
        response.once('error', () => finish(scheduled, false));
      });
      request.setTimeout(spec.timeoutMs, () => request.destroy(new Error('timeout')));
      request.once('error', () => finish(scheduled, false));
    };
    const tick = () => {
      const now = performance.now();
      // Catch up on every request that is due (a late timer sends several at once, each charged from its due time).
      while (sent < total && start + sent * intervalMs <= now) {
        const scheduled = start + sent * intervalMs;
        sendLags.push(now - scheduled);
        sent++;
        send(scheduled);
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    setTimeout(tick, 5);
  });
  agent.destroy();
  latencies.sort((a, b) => a - b);
  sendLags.sort((a, b) => a - b);
  return {
    p50: roundedPercentile(latencies, 50),
    p90: roundedPercentile(latencies, 90),
    p99: roundedPercentile(latencies, 99),
    max: roundedPercentile(latencies, 100),
    requests: total,
    errors,
    achievedRps: (total - errors) / ((lastAnswer - start) / 1000),
    sendLagP99: roundedPercentile(sendLags, 99),
  };
}

/** The generator process, started once per part; each `run` is one fixed-rate load, one after the other. */
export class FixedRateLoad {
  private constructor(private readonly child: ChildProcess) {}

  static start(): FixedRateLoad {
    const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new FixedRateLoad(child);
  }

  run(spec: LoadSpec): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (result) => {
        this.child.off('exit', onExit);
        resolve(result as LoadResult);
      });
      this.child.send(spec);
    });
  }

  stop(): void {
    this.child.disconnect();
  }
}

// Forked: answer each spec with its result until the parent disconnects.
if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  process.on('message', (spec: LoadSpec) => {
    void runLoad(spec).then((result) => process.send!(result));
  });
}
