import { isAlive } from './liveness.js';

const POLL_MS = 100;

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return !isAlive(pid);
}

function signal(target: number, sig: NodeJS.Signals): void {
  try {
    process.kill(target, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Asks a server to shut down with its own graceful signal, and kills it if it has not gone after
 * `graceMs`. The kill goes to the whole process group (we start servers as group leaders), so no
 * helper process of a wedged server outlives it.
 */
export async function stopProcess(pid: number, gracefulSignal: NodeJS.Signals, graceMs = 10_000): Promise<'graceful' | 'killed'> {
  if (!isAlive(pid)) return 'graceful';
  signal(pid, gracefulSignal);
  if (await waitForExit(pid, graceMs)) return 'graceful';
  signal(-pid, 'SIGKILL');
  signal(pid, 'SIGKILL');
  if (!(await waitForExit(pid, 5_000))) throw new Error(`process ${pid} survived SIGKILL`);
  return 'killed';
}
