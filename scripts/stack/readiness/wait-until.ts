const POLL_MS = 250;

export interface WaitOptions {
  timeoutMs: number;
  /** Checked between attempts: a reason to stop waiting early (e.g. the process already died). */
  abortReason?: () => string | undefined;
}

export type WaitOutcome = { ok: true } | { ok: false; reason: string };

/** Polls `check` until it passes, the deadline passes, or `abortReason` says there is no point. */
export async function waitUntil(check: () => Promise<boolean>, options: WaitOptions): Promise<WaitOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const aborted = options.abortReason?.();
    if (aborted) return { ok: false, reason: aborted };
    if (await check().catch(() => false)) return { ok: true };
    if (Date.now() >= deadline) return { ok: false, reason: `not ready after ${describeDuration(options.timeoutMs)}` };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function describeDuration(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 1_000)} s`;
}
