/**
 * Booking workflow histories as files: the recorded ones under test/histories, which the test run
 * replays, and any an engineer saves with `npm run replay -- <workflowId> --save <path>`. The format
 * is Temporal's JSON history (the same as `temporal workflow show --output json` and the Web UI's
 * download), so a history from any of those tools can be added as it is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyFromJSON, historyToJSON, type History } from '@temporalio/common/lib/proto-utils.js';

export const HISTORIES_DIR = path.resolve(import.meta.dirname, '../../test/histories');

export interface HistoryFile {
  /** The file's name without `.json`, e.g. `booking-expiry`: it names the replay and its test. */
  name: string;
  file: string;
}

/** Every recorded history, sorted by name; files in sub-folders (fixtures) are not histories. */
export function recordedHistories(dir = HISTORIES_DIR): HistoryFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => ({ name: entry.name.slice(0, -'.json'.length), file: path.join(dir, entry.name) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function readHistory(file: string): History {
  return historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
}

export async function writeHistory(file: string, history: History): Promise<void> {
  await writeFile(file, `${historyToJSON(history)}\n`);
}
