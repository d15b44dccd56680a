/**
 * What a bench run starts, and how it all stops: every start registers its undo before it is
 * awaited, `stopAll` undoes newest first, and a signal or the run's time cap triggers it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

const cleanups: { name: string; run(): Promise<void> }[] = [];

export function onStop(name: string, run: () => Promise<void>): void {
  cleanups.push({ name, run });
}

export async function stopAll(say: (line: string) => void): Promise<void> {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop()!;
    try {
      await cleanup.run();
    } catch (error) {
      say(`  stopping ${cleanup.name}: ${(error as Error).message}`);
    }
  }
}

const children = new Set<ChildProcess>();
// Last resort if the run dies some other way.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export interface MemorySample {
  at: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** Heaps of the process's worker threads (the Temporal worker's workflow thread), which heapUsed/heapTotal leave out. */
  threadHeapUsed?: number;
  threadHeapTotal?: number;
  heapLimit: number;
  /** How late the event loop ran since the start or the last markLoop() (10 ms resolution, so ~10 ms is idle). */
  loopDelay?: { p50Ms: number; p99Ms: number; maxMs: number };
}

export interface Child {
  name: string;
  pid: number;
  /** Resolves when the child printed a line containing `text`; rejects if it exits first or after timeoutMs. */
  waitForLine(text: string, timeoutMs: number): Promise<void>;
  /** The latest memory sample the child's probe wrote (children started with `memoryProbe`). */
  memory(): Promise<MemorySample | undefined>;
  /** Restarts the probe's event-loop histogram (children started with `memoryProbe`). */
  markLoop(): void;
  /** RSS from /proc, for any child. */
  rss(): Promise<number>;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  root: string;
  logDir: string;
  env: Record<string, string>;
  /** Loads bench/lib/memory-probe.ts first, which writes process.memoryUsage() to a file each second. */
  memoryProbe?: boolean;
  nodeArgs?: string[];
}

const STOP_TIMEOUT_MS = 20_000;

/** Runs a TypeScript entry point of the project (server/api.ts, workers/booking-worker.ts, …) as a child. */
export async function spawnEntry(name: string, entry: string, options: SpawnOptions): Promise<Child> {
  await mkdir(options.logDir, { recursive: true });
  const logFile = path.join(options.logDir, `${name}.log`);
  const memoryFile = path.join(options.logDir, `${name}.memory.json`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const args = [
    ...(options.nodeArgs ?? []),
    '--import', 'tsx',
    ...(options.memoryProbe ? ['--import', path.join(options.root, 'bench', 'lib', 'memory-probe.ts')] : []),
    entry,
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.root,
    env: { ...options.env, ...(options.memoryProbe ? { BENCH_MEMORY_FILE: memoryFile } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  const waiters: { text: string; resolve(): void }[] = [];
  // The first lines, so a wait that starts after its line was printed still sees it.
  const early: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      log.write(`${line}\n`);
      if (early.length < 500) early.push(line);
      for (const waiter of waiters.filter((w) => line.includes(w.text))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => {
    children.delete(child);
    log.end();
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
  };
  onStop(name, stop);
  return {
    name,
    pid: child.pid!,
    waitForLine: (text, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        if (early.some((line) => line.includes(text))) return resolve();
        const timer = setTimeout(() => reject(new Error(`${name}: no "${text}" within ${timeoutMs / 1000} s (log: ${logFile})`)), timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push({ text, resolve: done });
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`${name} exited (code ${child.exitCode}, signal ${child.signalCode}); see ${logFile}`));
        });
      }),
    memory: async () => {
      try {
        return JSON.parse(await readFile(memoryFile, 'utf8')) as MemorySample;
      } catch {
        return undefined;
      }
    },
    // Only a probed child handles SIGUSR2; to any other it would be fatal.
    markLoop: () => void (options.memoryProbe && child.kill('SIGUSR2')),
    rss: () => rssOf(child.pid!),
    stop,
  };
}

export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : Number.NaN;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
