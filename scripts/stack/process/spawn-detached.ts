import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface DetachedLaunch {
  command: string;
  args: readonly string[];
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** Run as this user (postgres refuses to run as root). */
  runAs?: { uid: number; gid: number };
}

export interface DetachedProcess {
  pid: number;
  /** Set once the process is gone, while this node process still watches it. */
  exited: () => { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

/**
 * Starts a server that outlives the node process starting it: its own session (detached), no pipe
 * back to us (stdout and stderr go straight to the log file, so nothing breaks when we exit), and
 * unref'd so it does not keep our event loop alive.
 */
export function spawnDetached(launch: DetachedLaunch, logFile: string): Promise<DetachedProcess> {
  const logFd = openSync(logFile, 'a');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(launch.command, launch.args, {
      cwd: launch.cwd,
      env: launch.env ? { ...process.env, ...launch.env } : process.env,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      uid: launch.runAs?.uid,
      gid: launch.runAs?.gid,
    });
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    child.on('exit', (code, signal) => {
      exit = { code, signal };
    });
    child.on('error', (error) => {
      closeSync(logFd);
      reject(new Error(`could not start ${launch.command}: ${error.message}`));
    });
    child.on('spawn', () => {
      // The child holds its own copy of the descriptor; ours is no longer needed.
      closeSync(logFd);
      child.unref();
      resolvePromise({ pid: child.pid as number, exited: () => exit });
    });
  });
}
