/**
 * The booking worker's V8 heap limit (WORKER_HEAP_LIMIT_MB → `--max-old-space-size`). V8 sizes its
 * heap when the process starts, so neither NODE_OPTIONS set later nor v8.setFlagsFromString changes
 * it: the entry point replaces its own process with the flag added (process.execve: same pid, same
 * stdio and signals, before anything is loaded), once. Why a limit: the sticky cache bounds the live
 * workflows, but evicting and replaying them leaves garbage that Node's default heap (sized from the
 * machine's memory, 4 GB here) lets grow instead of collecting (docs/benchmarks.md, worker memory).
 */
export const HEAP_LIMIT_FLAG = '--max-old-space-size';
/**
 * With a heap limit, the young generation's semi-spaces are capped too: Node 24 lets each grow to
 * 64 MiB (192 MiB of young generation beside the old space), and a replaying worker allocates fast
 * enough to commit them. 16 MiB costs more frequent scavenges, which are cheap.
 */
const SEMI_SPACE_FLAG = '--max-semi-space-size=16';

/** The command line to restart with, or undefined when the limit is off or already given (command line or NODE_OPTIONS). */
export function heapLimitCommand(limitMb: number, execArgv: readonly string[], argv: readonly string[], nodeOptions = ''): string[] | undefined {
  if (limitMb === 0) return undefined;
  // An operator's own flag stands, and the restarted process has one: no loop.
  if (execArgv.some((arg) => arg.startsWith(HEAP_LIMIT_FLAG)) || nodeOptions.includes(HEAP_LIMIT_FLAG)) return undefined;
  return [argv[0]!, ...execArgv, `${HEAP_LIMIT_FLAG}=${limitMb}`, SEMI_SPACE_FLAG, ...argv.slice(1)];
}

/** Restarts this process with the heap limit when it does not run with one; returns when it does (or cannot: no execve). */
export function restartWithHeapLimit(limitMb: number): void {
  const command = heapLimitCommand(limitMb, process.execArgv, process.argv, process.env.NODE_OPTIONS);
  if (command && process.execve) process.execve(process.execPath, command, process.env);
}
