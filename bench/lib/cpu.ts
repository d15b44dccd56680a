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

/** CPU milliseconds used so far by `pid` and every live descendant of it. */
export async function treeCpuMs(pid: number): Promise<number> {
  const all = new Map<number, { ppid: number; cpuMs: number }>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = await stat(Number(entry));
    if (s) all.set(Number(entry), s);
  }
  let total = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.pop()!;
    total += all.get(current)?.cpuMs ?? 0;
    for (const [child, s] of all) if (s.ppid === current) queue.push(child);
  }
  return total;
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
  const before = await Promise.all(named.map(([, pid]) => treeCpuMs(pid)));
  return {
    async stop() {
      const after = await Promise.all(named.map(([, pid]) => treeCpuMs(pid)));
      return Object.fromEntries(named.map(([name], i) => [name, after[i]! - before[i]!]));
    },
  };
}
