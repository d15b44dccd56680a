/**
 * `ops attention`: the bookings that need a person. Two sources, merged per booking:
 * - the failure policy's attention state: the `Attention` search attribute (a reason code), set by
 *   the workflow while a person must act and removed afterwards (a visibility query);
 * - running booking workflows with an activity still pending after N attempts: a retrying step the
 *   Temporal UI shows as a plain RUNNING workflow with "Failures 0" (DescribeWorkflowExecution of
 *   each running booking, bounded by --limit).
 * Amounts and the read model's status come from Postgres.
 */
import type { Knex } from 'knex';
import { bookingIdOf, bookingScope, uiLink, type OpsContext } from './context.js';
import { describeExecution, fetchEvents, scheduledAt } from './execution.js';

export const ATTENTION_ATTRIBUTE = 'Attention';

export interface AttentionItem {
  bookingId: string;
  workflowId: string;
  runId: string;
  /** The Attention reason code, or `activity:<type>` for a step stuck retrying. */
  reason: string;
  /** Since when: the booking row's attention_since, else when the stuck activity was first scheduled, else the run's start. */
  since?: string;
  ageSeconds?: number;
  activity?: { type: string; attempt: number; lastFailure?: string; nextAttemptAt?: string };
  amount?: { priceMinor: number; capturedMinor: number; currency: string };
  bookingStatus?: string;
  paymentStatus?: string;
  link: string;
}

export interface AttentionOptions {
  /** A pending activity on this attempt or later counts as stuck. */
  minAttempts: number;
  /** At most this many running workflows are described (and listed), newest first. */
  limit: number;
  /** Narrows both lists (a visibility query, e.g. "BookingStatus = 'SCHEDULED'"). */
  query?: string;
  now?: Date;
}

const firstKeyword = (value: unknown): string | undefined => (Array.isArray(value) ? (value[0] as string | undefined) : typeof value === 'string' ? value : undefined);

export async function findAttention(ctx: OpsContext, options: AttentionOptions): Promise<AttentionItem[]> {
  const now = options.now ?? new Date();
  const items = new Map<string, AttentionItem>();
  const narrowed = options.query ? ` AND (${options.query})` : '';

  // 1. The failure policy's attention state. Before the attribute is registered there is nothing to find.
  try {
    for await (const info of ctx.client.workflow.list({ query: `${bookingScope(ctx.taskQueue)} AND ${ATTENTION_ATTRIBUTE} IS NOT NULL${narrowed}`, pageSize: 100 })) {
      if (items.size >= options.limit) break;
      const reason = firstKeyword(info.searchAttributes?.[ATTENTION_ATTRIBUTE]) ?? 'attention';
      items.set(info.workflowId, {
        bookingId: bookingIdOf(info.workflowId),
        workflowId: info.workflowId,
        runId: info.runId,
        reason,
        since: info.startTime.toISOString(),
        link: uiLink(ctx, info.workflowId, info.runId),
      });
    }
  } catch (error) {
    if (!/Attention|search attribute/i.test((error as Error).message)) throw error;
  }

  // 2. Running bookings with a step stuck retrying.
  let described = 0;
  const running = `${bookingScope(ctx.taskQueue)} AND ExecutionStatus = 'Running'${narrowed}`;
  for await (const info of ctx.client.workflow.list({ query: running, pageSize: 100 })) {
    if (described++ >= options.limit) break;
    const state = await describeExecution(ctx, info.workflowId, info.runId);
    const stuck = state.pendingActivities.filter((activity) => activity.attempt >= options.minAttempts).sort((a, b) => b.attempt - a.attempt)[0];
    if (!stuck) continue;
    const first = scheduledAt(await fetchEvents(ctx, info.workflowId, info.runId), stuck.activityId);
    const existing = items.get(info.workflowId);
    items.set(info.workflowId, {
      bookingId: bookingIdOf(info.workflowId),
      workflowId: info.workflowId,
      runId: info.runId,
      reason: existing ? existing.reason : `activity:${stuck.activityType}`,
      since: first?.at?.toISOString() ?? info.startTime.toISOString(),
      activity: {
        type: stuck.activityType,
        attempt: stuck.attempt,
        ...(stuck.lastFailure ? { lastFailure: stuck.lastFailure } : {}),
        ...(stuck.nextAttemptAt ? { nextAttemptAt: stuck.nextAttemptAt.toISOString() } : {}),
      },
      link: uiLink(ctx, info.workflowId, info.runId),
    });
  }

  const list = [...items.values()];
  if (ctx.db) await addReadModel(ctx.db, list);
  for (const item of list) if (item.since) item.ageSeconds = Math.max(0, Math.round((now.getTime() - Date.parse(item.since)) / 1000));
  return list.sort((a, b) => (b.ageSeconds ?? 0) - (a.ageSeconds ?? 0));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Amount, status and (once the column exists) attention_since from the bookings table, in one query. */
async function addReadModel(db: Knex, items: AttentionItem[]): Promise<void> {
  const ids = items.map((item) => item.bookingId).filter((id) => UUID.test(id));
  if (ids.length === 0) return;
  // select *: the attention columns come with a later migration; reading them by name would break before it.
  const rows: Record<string, unknown>[] = await db('bookings').select('*').whereIn('id', ids);
  const byId = new Map(rows.map((row) => [row.id as string, row]));
  for (const item of items) {
    const row = byId.get(item.bookingId);
    if (!row) continue;
    item.amount = { priceMinor: Number(row.price_minor), capturedMinor: Number(row.captured_minor), currency: String(row.currency) };
    item.bookingStatus = String(row.status);
    item.paymentStatus = String(row.payment_status);
    if (typeof row.attention_reason === 'string' && item.reason.startsWith('activity:')) item.reason = row.attention_reason;
    if (row.attention_since instanceof Date) item.since = row.attention_since.toISOString();
  }
}
