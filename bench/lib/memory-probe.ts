/**
 * Preloaded into a bench child (node --import): writes the process's memory, and how late its
 * event loop ran, to BENCH_MEMORY_FILE every second, so the bench reads the V8 heap and the loop's
 * stalls of a process it did not write. SIGUSR2 restarts the event-loop histogram (the bench sends
 * it when a measured phase begins). The timer is unref'd: it never keeps the process alive.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';

const file = process.env.BENCH_MEMORY_FILE;
if (file) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.on('SIGUSR2', () => loop.reset());
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const write = () => {
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    const loopDelay = { p50Ms: ms(loop.percentile(50)), p99Ms: ms(loop.percentile(99)), maxMs: ms(loop.max) };
    writeFileSync(file, JSON.stringify({ at: Date.now(), rss, heapUsed, heapTotal, external, heapLimit: v8.getHeapStatistics().heap_size_limit, loopDelay }));
  };
  write();
  setInterval(write, 1_000).unref();
}
