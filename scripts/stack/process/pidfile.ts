import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAlive, runsExecutable } from './liveness.js';

export function readPidfile(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function writePidfile(path: string, pid: number): void {
  writeFileSync(path, `${pid}\n`);
}

export function removePidfile(path: string): void {
  rmSync(path, { force: true });
}

/**
 * The pid recorded in `path` if that process is still our `executable`; otherwise the pidfile is
 * stale (crash, reboot, pid reused) and is removed so it cannot mislead a later check.
 */
export function livePidFromPidfile(path: string, executable: string): number | undefined {
  const pid = readPidfile(path);
  if (pid !== undefined && isAlive(pid) && runsExecutable(pid, executable)) return pid;
  removePidfile(path);
  return undefined;
}
