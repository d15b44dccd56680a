import type { Logger } from 'pino';

/**
 * Runs `shutdown` once on SIGTERM or SIGINT, then exits 0 (or 1 if shutting down failed), so a
 * process manager's stop and a developer's Ctrl-C both drain connections before the pools close.
 */
export function exitAfterShutdownOnSignal(logger: Logger, shutdown: (signal: string) => Promise<void>): void {
  let started = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // The other signal while a shutdown runs (Ctrl-C after a TERM): that shutdown goes on alone.
      if (started) return;
      started = true;
      logger.info({ signal }, 'shutting down');
      shutdown(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}
