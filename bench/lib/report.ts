/**
 * Every figure beside its same-run baseline: rows collected by the parts, printed as one table and
 * written as JSON under bench/results/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface Row {
  part: string;
  measure: string;
  value: number;
  unit: string;
  /** The same-run baseline this figure is judged against, in the same unit. */
  baseline?: { name: string; value: number };
  /** Where the issue sets a target for this figure: its text and whether the figure meets it. */
  target?: { text: string; met: boolean };
  note?: string;
}

export const ratioOf = (row: Row): number | undefined =>
  row.baseline && row.baseline.value !== 0 && Number.isFinite(row.baseline.value) ? row.value / row.baseline.value : undefined;

function format(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatTable(rows: readonly Row[]): string {
  const header = ['part', 'measure', 'value', 'unit', 'baseline (same run)', 'ratio', 'target'];
  const body = rows.map((row) => {
    const ratio = ratioOf(row);
    return [
      row.part,
      row.measure,
      format(row.value),
      row.unit,
      row.baseline ? `${format(row.baseline.value)} ${row.baseline.name}` : '',
      ratio === undefined ? '' : `${format(ratio)}×`,
      row.target ? `${row.target.met ? 'met' : 'NOT met'}: ${row.target.text}` : '',
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === 2 || column === 5 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** One part's wall time and, where it created bookings, their rate and the bench process's own CPU each. */
export interface PartCost {
  part: string;
  seconds: number;
  creating?: { bookings: number; perSecond: number; cpuMsPerBooking: number };
}

/** The run's own cost, after the figures: each part's wall time, the bench's CPU per booking, the whole run. */
export function runCostRows(costs: readonly PartCost[], totalMs: number): Row[] {
  const rows: Row[] = [];
  for (const { part, seconds, creating } of costs) {
    rows.push({ part: 'run', measure: `${part}: wall time`, value: seconds / 60, unit: 'min' });
    if (creating) {
      rows.push({
        part: 'run',
        measure: `${part}: bench process CPU per booking created (client, fakes, Stripe proxy; ${creating.bookings} at ${creating.perSecond.toFixed(1)}/s)`,
        value: creating.cpuMsPerBooking,
        unit: 'CPU ms',
      });
    }
  }
  rows.push({ part: 'run', measure: `whole run: wall time (${costs.length} parts)`, value: totalMs / 60_000, unit: 'min' });
  return rows;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  loadAverage: number[];
  node: string;
  platform: string;
}

export function machine(): Machine {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

export async function writeResults(dir: string, run: { startedAt: Date; command: string; options: unknown; rows: readonly Row[]; details: Record<string, unknown> }): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `bench-${run.startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const rows = run.rows.map((row) => ({ ...row, ratio: ratioOf(row) ?? null }));
  await writeFile(file, `${JSON.stringify({ ...run, startedAt: run.startedAt.toISOString(), finishedAt: new Date().toISOString(), machine: machine(), rows }, null, 2)}\n`);
  return file;
}
