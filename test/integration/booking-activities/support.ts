/**
 * Helpers for the booking activities' tests: run an activity in a real activity context (heartbeats,
 * logger) without a worker.
 */
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';

/** Keeps activity log lines, so a test can read them and the run's output stays quiet. */
export class MemoryLogger implements Logger {
  readonly lines: { level: LogLevel; message: string; meta?: LogMetadata }[] = [];
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.lines.push({ level, message, ...(meta ? { meta } : {}) });
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/** Runs one activity function in an activity context, as a worker would. */
export async function runActivity<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  const env = new MockActivityEnvironment(undefined, { logger: new MemoryLogger() });
  return env.run(fn, ...args);
}

/** Runs the activity and returns what it threw (failing the test if it did not throw). */
export async function failureOf<A extends unknown[]>(fn: (...args: A) => Promise<unknown>, ...args: A): Promise<unknown> {
  try {
    await runActivity(fn, ...args);
  } catch (error) {
    return error;
  }
  throw new Error('expected the activity to fail, but it succeeded');
}
