import type { BenchOptions } from './args.js';
import type { Row } from './report.js';

/** What every part gets: the options, where to log, and where to put its figures. */
export interface PartContext {
  root: string;
  options: BenchOptions;
  logDir: string;
  say(line: string): void;
  rows: Row[];
  /** Raw figures beyond the table, written to the JSON. */
  details: Record<string, unknown>;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
