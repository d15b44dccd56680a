/**
 * Preloaded into a bench child (node --import): writes the process's memory, and how late its
 * event loop ran, to BENCH_MEMORY_FILE every second, so the bench reads the V8 heap and the loop's
 * stalls of a process it did not write. SIGUSR2 restarts the event-loop histogram (the bench sends
 * it when a measured phase begins). The timer is unref'd: it never keeps the process alive.
 *
 * process.memoryUsage() gives the main thread's heap only; the Temporal worker runs its workflows
 * (and so its sticky cache) in a worker thread with a heap of its own. The probe keeps the worker
 * threads the process starts and adds their heaps as `threadHeapUsed` / `threadHeapTotal`.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import type * as WorkerThreads from 'node:worker_threads';

const file = process.env.BENCH_MEMORY_FILE;
if (file) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.on('SIGUSR2', () => loop.reset());
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  // The SDK reads `require('node:worker_threads').Worker` when it starts its workflow thread.
  const threads = new Set<WorkerThreads.Worker>();
  const workerThreads = createRequire(import.meta.url)('node:worker_threads') as typeof WorkerThreads;
  const OriginalWorker = workerThreads.Worker;
  workerThreads.Worker = class extends OriginalWorker {
    constructor(...args: ConstructorParameters<typeof OriginalWorker>) {
      super(...args);
      threads.add(this);
      this.once('exit', () => threads.delete(this));
    }
  };
  const write = async () => {
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    const loopDelay = { p50Ms: ms(loop.percentile(50)), p99Ms: ms(loop.percentile(99)), maxMs: ms(loop.max) };
    const threadHeaps = await Promise.all([...threads].map((thread) => thread.getHeapStatistics().catch(() => undefined)));
    const threadHeapUsed = threadHeaps.reduce((sum, heap) => sum + (heap?.used_heap_size ?? 0), 0);
    const threadHeapTotal = threadHeaps.reduce((sum, heap) => sum + (heap?.total_heap_size ?? 0), 0);
    writeFileSync(file, JSON.stringify({ at: Date.now(), rss, heapUsed, heapTotal, external, threadHeapUsed, threadHeapTotal, heapLimit: v8.getHeapStatistics().heap_size_limit, loopDelay }));
  };
  void write();
  setInterval(() => void write(), 1_000).unref();
}
