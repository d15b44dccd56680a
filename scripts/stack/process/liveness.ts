import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * True while `pid` is a live process. A zombie counts as dead: in a container whose PID 1 does not
 * reap orphans promptly, a stopped server lingers as a zombie that still answers kill(pid, 0).
 * But a multi-threaded server's main thread turns zombie before its other threads have exited,
 * and its sockets stay open until the last one has: only then is it really gone.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else, which still means alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return procState(`/proc/${pid}/stat`) !== 'Z' || threadsStillRunning(pid);
}

function threadsStillRunning(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some((tid) => !['Z', undefined].includes(procState(`/proc/${pid}/task/${tid}/stat`)));
  } catch {
    return false;
  }
}

/** The one-letter state (R, S, Z, ...) from a /proc stat file; undefined without /proc. */
function procState(statFile: string): string | undefined {
  try {
    const stat = readFileSync(statFile, 'utf8');
    // The command name in parentheses may itself contain spaces, so read after the last ')'.
    return stat.charAt(stat.lastIndexOf(')') + 2);
  } catch {
    return undefined;
  }
}

/**
 * Guards against pid reuse: a pidfile left over from a crash may point at a pid the OS has since
 * given to an unrelated process, which we must neither report as our server nor signal.
 * /proc/<pid>/exe names the real binary even when a server rewrites its process title (redis
 * does) and is compared after resolving symlinks on both sides; where it cannot be read we fall back to argv[0], and without /proc we trust the pidfile.
 */
export function runsExecutable(pid: number, executable: string): boolean {
  const wanted = basename(resolveLinks(executable));
  try {
    return basename(readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '')) === wanted;
  } catch {
    // not permitted, or no /proc: try the command line
  }
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return basename(argv0.split(' ')[0] ?? '') === wanted;
  } catch {
    return isAlive(pid);
  }
}

function resolveLinks(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
