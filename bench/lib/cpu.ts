/**
 * CPU time of processes (and their children, e.g. Postgres backends), from /proc. On a shared
 * machine wall-clock figures are noise; the CPU a request costs in each process is not.
 */
import { readdir, readFile } from 'node:fs/promises';

const TICKS_PER_SECOND = 100;

async function stat(pid: number): Promise<{ ppid: number; cpuMs: number } | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: the fields start after its closing parenthesis.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

type ProcessTable = Map<number, { ppid: number; cpuMs: number }>;

async function processTable(): Promise<ProcessTable> {
  const all: ProcessTable = new Map();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = await stat(Number(entry));
    if (s) all.set(Number(entry), s);
  }
  return all;
}

/**
 * CPU milliseconds of `pid` and every live descendant of it, except the subtrees of the pids in
 * `measuredApart`: the bench process is the parent of everything it starts (the stack, the API, the
 * workers), so its own figure must not hold theirs again.
 */
export function subtreeCpuMs(all: ProcessTable, pid: number, measuredApart: ReadonlySet<number> = new Set()): number {
  let total = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.pop()!;
    total += all.get(current)?.cpuMs ?? 0;
    for (const [child, s] of all) if (s.ppid === current && !measuredApart.has(child)) queue.push(child);
  }
  return total;
}

/** CPU milliseconds used so far by `pid` and every live descendant of it. */
export async function treeCpuMs(pid: number): Promise<number> {
  return subtreeCpuMs(await processTable(), pid);
}

export async function readPid(file: string): Promise<number | undefined> {
  try {
    return Number((await readFile(file, 'utf8')).trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** CPU used by each named process between `start()` and `stop()`. */
export async function cpuMeter(pids: Record<string, number | undefined>): Promise<{ stop(): Promise<Record<string, number>> }> {
  const named = Object.entries(pids).filter((entry): entry is [string, number] => entry[1] !== undefined);
  // Each named process with its unnamed descendants (Postgres's backends): a named child counts once, as itself.
  const apart = new Set(named.map(([, pid]) => pid));
  const read = async () => {
    const all = await processTable();
    return named.map(([, pid]) => subtreeCpuMs(all, pid, apart));
  };
  const before = await read();
  return {
    async stop() {
      const after = await read();
      return Object.fromEntries(named.map(([name], i) => [name, after[i]! - before[i]!]));
    },
  };
}
