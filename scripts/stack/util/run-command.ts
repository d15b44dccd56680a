import { spawn } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  uid?: number;
  gid?: number;
  timeoutMs?: number;
}

export interface RunResult {
  code: number | null;
  output: string;
}

/**
 * Runs a short-lived command to completion and collects stdout+stderr together, the way a person
 * would read it in a terminal. Never throws for a non-zero exit: callers decide what failure means.
 */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      uid: options.uid,
      gid: options.gid,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => resolvePromise({ code: null, output: `${output}${error.message}\n` }));
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

/** Like runCommand, but a non-zero exit is an error carrying the command's own output. */
export async function runOrThrow(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.code}):\n${result.output.trim()}`);
  }
  return result.output;
}
