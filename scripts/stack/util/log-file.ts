import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/** Written before each start, so an error report can show this run's output and not the last one's. */
const START_MARKER = '=== tutorflow stack: starting';

export function appendStartMarker(logFile: string, description: string): void {
  appendFileSync(logFile, `\n${START_MARKER} ${description} at ${new Date().toISOString()} ===\n`);
}

/** The last `lines` lines written since the latest start marker. */
export function tailOfLatestRun(logFile: string, lines = 40): string {
  if (!existsSync(logFile)) return '(no log file)';
  const text = readFileSync(logFile, 'utf8');
  const markerAt = text.lastIndexOf(START_MARKER);
  const run = markerAt >= 0 ? text.slice(text.indexOf('\n', markerAt) + 1) : text;
  const tail = run.trimEnd().split('\n').slice(-lines).join('\n');
  return tail || '(log is empty)';
}
