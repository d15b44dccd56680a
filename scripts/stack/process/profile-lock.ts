import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileDirs } from '../paths.js';
import type { StackLog } from '../log.js';
import { isAlive } from './liveness.js';

const POLL_MS = 200;

function holderOf(lockFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** true when we now hold the lock; otherwise the pid of the live process that does. */
function tryAcquire(lockFile: string): true | number | undefined {
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = holderOf(lockFile);
    // A lock whose holder died (Ctrl-C, crash) would otherwise block every later command.
    if (holder === undefined || isAlive(holder)) return holder;
    rmSync(lockFile, { force: true });
  }
}

/**
 * Serialises start and stop of one profile across processes: two `npm test` runs (or a test run and
 * `stack up`) starting at once would otherwise both find a service down, both launch it, and one
 * would fail on the port, or one would wipe the test data the other's fresh server is using.
 * The wait is long because the first start may include building MinIO.
 */
export async function withProfileLock<T>(dirs: ProfileDirs, log: StackLog, work: () => Promise<T>, timeoutMs = 10 * 60_000): Promise<T> {
  const lockFile = join(dirs.run, 'stack.lock');
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (let holder = tryAcquire(lockFile); holder !== true; holder = tryAcquire(lockFile)) {
    if (Date.now() > deadline) throw new Error(`another stack command (pid ${holder}) still holds ${lockFile}`);
    if (!announced) log(`waiting for another stack command (pid ${holder ?? 'unknown'}) to finish`);
    announced = true;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  try {
    return await work();
  } finally {
    if (holderOf(lockFile) === process.pid) rmSync(lockFile, { force: true });
  }
}
