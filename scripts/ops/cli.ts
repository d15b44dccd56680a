/**
 * Finds and repairs bookings that need a person (see docs/runbook.md).
 *
 *   npm run ops -- attention [--json] [--attempts N] [--limit N] [--query '<visibility query>']
 *   npm run ops -- retry <bookingId…> [--query '<visibility query>'] [--dry-run] [--reason text] [--json]
 *   npm run ops -- reset <bookingId…> [--to last-good|<eventId>] [--query '…'] [--dry-run] [--reason text] [--json]
 *
 * Booking ids or workflow ids (booking-<id>); --query adds every running booking workflow of this
 * deployment's task queue it matches (e.g. "PaymentStatus = 'authorized'"), at most --limit.
 * attention describes at most --limit running bookings (newest first); --query narrows what it reads.
 * Connects where the app does (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE,
 * DATABASE_URL, TEMPORAL_UI_URL; a .env file in the working directory fills what is not set).
 * Exit codes: 0 done, 1 some booking could not be repaired, 2 bad usage, 78 bad configuration.
 */
import { parseArgs } from 'node:util';
import { formatMoney } from '../../domain/money.js';
import { configFromEnvironmentOrExit } from '../../domain/process-config.js';
import { findAttention, type AttentionItem } from './attention.js';
import { openOpsContext } from './context.js';
import { PlanError } from './execution.js';
import { resetBookings, resolveTargets, retryBookings, type RepairOutcome } from './repair.js';

const USAGE = `usage: npm run ops -- attention [--json] [--attempts N] [--limit N] [--query '<visibility query>']
       npm run ops -- retry <bookingId…> [--query '<visibility query>'] [--dry-run] [--reason text] [--json]
       npm run ops -- reset <bookingId…> [--to last-good|<eventId>] [--query '…'] [--dry-run] [--reason text] [--json]`;

class UsageError extends Error {}

const OPTIONS = {
  json: { type: 'boolean' },
  attempts: { type: 'string', default: '5' },
  limit: { type: 'string', default: '200' },
  query: { type: 'string' },
  to: { type: 'string', default: 'last-good' },
  'dry-run': { type: 'boolean' },
  reason: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function positiveInt(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a whole number of at least 1, not "${text}"`);
  return value;
}

function age(seconds: number | undefined): string {
  if (seconds === undefined) return '?';
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3_600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

function attentionTable(items: AttentionItem[]): string {
  if (items.length === 0) return 'No booking needs attention.';
  const rows = items.map((item) => [
    item.bookingId,
    item.reason,
    age(item.ageSeconds),
    item.amount ? `${formatMoney(item.amount.priceMinor, item.amount.currency)} (captured ${formatMoney(item.amount.capturedMinor, item.amount.currency)})` : '-',
    item.bookingStatus ? `${item.bookingStatus}/${item.paymentStatus}` : '-',
    item.activity ? `${item.activity.type} attempt ${item.activity.attempt}${item.activity.lastFailure ? `: ${item.activity.lastFailure.slice(0, 60)}` : ''}` : '-',
  ]);
  const header = ['BOOKING', 'REASON', 'AGE', 'AMOUNT', 'STATUS', 'STUCK STEP'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), ...rows.flatMap((row, index) => [line(row), `  ${items[index]!.link}`]), `${items.length} booking(s) need attention.`].join('\n');
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...ids] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (!['attention', 'retry', 'reset'].includes(command)) throw new UsageError(`unknown command "${command}"`);
  const limit = positiveInt('limit', values.limit);
  const to = values.to === 'last-good' ? 'last-good' : positiveInt('to', values.to);
  if (command !== 'attention' && ids.length === 0 && values.query === undefined) throw new UsageError(`${command} needs booking ids or --query`);

  const ctx = await openOpsContext(configFromEnvironmentOrExit());
  try {
    if (command === 'attention') {
      const items = await findAttention(ctx, { minAttempts: positiveInt('attempts', values.attempts), limit, ...(values.query !== undefined ? { query: values.query } : {}) });
      console.log(values.json ? JSON.stringify(items, null, 2) : attentionTable(items));
      return 0;
    }
    const workflowIds = await resolveTargets(ctx, { ids, limit, ...(values.query !== undefined ? { query: values.query } : {}) });
    if (workflowIds.length === 0) {
      console.log('No booking workflow matches.');
      return 0;
    }
    const options = {
      dryRun: values['dry-run'] ?? false,
      reason: values.reason ?? `npm run ops -- ${command} by ${process.env.USER ?? 'ops'}`,
      ...(values.json ? {} : { progress: (line: string) => console.log(line) }),
    };
    if (!values.json) console.log(`${options.dryRun ? 'Would ' : ''}${command} ${workflowIds.length} booking workflow(s):`);
    const outcomes: RepairOutcome[] = command === 'retry' ? await retryBookings(ctx, workflowIds, options) : await resetBookings(ctx, workflowIds, to, options);
    if (values.json) console.log(JSON.stringify(outcomes, null, 2));
    return outcomes.some((outcome) => outcome.error) ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
    else if (error instanceof PlanError) console.error(error.message);
    else console.error(error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
