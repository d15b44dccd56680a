/**
 * Preloaded into a bench child (node --import): writes the process's memory to BENCH_MEMORY_FILE
 * every second, so the bench reads the V8 heap of a process it did not write. The timer is
 * unref'd: it never keeps the process alive.
 */
import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';

const file = process.env.BENCH_MEMORY_FILE;
if (file) {
  const write = () => {
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    writeFileSync(file, JSON.stringify({ at: Date.now(), rss, heapUsed, heapTotal, external, heapLimit: v8.getHeapStatistics().heap_size_limit }));
  };
  write();
  setInterval(write, 1_000).unref();
}
