/**
 * The steps every phase and command is made of: show the state to ops, move the status, record the
 * payment and the timeline, tell people, raise and clear attention, and the one close path. Each
 * step applies the failure policy of its activity class (effects.ts).
 */
import { condition, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { canTransition, type BookingStatus } from '../../domain/booking-status.js';
import type { PaymentStatus } from '../../domain/payment-status.js';
import type { Actor, BookingActivities } from '../../activities/booking/types.js';
import { REFUSALS, SEARCH_ATTRIBUTES, type AttentionItem, type AttentionReason } from './definitions.js';
import { describeState } from './details.js';
import { attempt, attemptMaybeLocal } from './effects.js';
import type { BookingState } from './state.js';

/** Workflow time (the same on replay) as an ISO instant. */
export const nowIso = (): string => new Date().toISOString();
export const msUntil = (iso: string): number => Math.max(0, Date.parse(iso) - Date.now());

export interface Notice {
  /** Part of the outbox key: one email per recipient per step. */
  step: string;
  template: string;
  recipients: string[];
  params?: Record<string, string | number>;
}

export class BookingSteps {
  constructor(readonly state: BookingState) {}

  get input() {
    return this.state.input;
  }

  /** Search attributes and current details, so the Temporal UI tells where the booking stands. */
  show(): void {
    const { state } = this;
    upsertSearchAttributes([
      { key: SEARCH_ATTRIBUTES.bookingStatus, value: state.status },
      { key: SEARCH_ATTRIBUTES.paymentStatus, value: state.paymentStatus },
      { key: SEARCH_ATTRIBUTES.sessionStart, value: new Date(state.sessionStart) },
    ]);
    setCurrentDetails(describeState(state.snapshot(), this.input));
  }

  /** A read-model write; Postgres refusing it for good raises attention instead of failing the booking. */
  async record<K extends 'recordTransition' | 'recordEvent' | 'recordPayment' | 'recordMeeting' | 'recordDispute'>(
    name: K,
    summary: string,
    arg: Parameters<BookingActivities[K]>[0],
  ): Promise<void> {
    // In the workflow task itself: the student waits for the writes before the submit answers, and a
    // timer's transition is visible in Postgres without a server round trip per write.
    const local = this.state.localRecords || (this.state.localSubmitRecords && !this.state.submissionSettled);
    const outcome = await attemptMaybeLocal(local, name, summary, ...([arg] as Parameters<BookingActivities[K]>));
    if (outcome.ok) return;
    // Numbered by failure, not by open items: a closed item's id is never given to a new one.
    const id = `read-model-${++this.state.readModelFailures}`;
    await this.raiseAttention({ id, reason: 'read_model_failed', message: `${name}: ${outcome.message}`, retryable: true }, async () => {
      const again = await attempt(name, summary, ...([arg] as Parameters<BookingActivities[K]>));
      return again.ok;
    });
  }

  async moveTo(to: BookingStatus, actor: Actor, actorId?: string, reason?: string): Promise<void> {
    const from = this.state.status;
    // A command table bug, not a user error: refusals happen in validators before this point.
    if (!canTransition(from, to)) throw new Error(`A ${from} booking cannot become ${to}`);
    this.state.status = to;
    this.show();
    await this.record('recordTransition', `${from} → ${to}${reason ? `: ${reason}` : ''}`, {
      bookingId: this.input.bookingId,
      from,
      to,
      at: nowIso(),
      actor,
      ...(actorId ? { actorId } : {}),
      ...(reason ? { reason } : {}),
    });
  }

  async setPayment(next: PaymentStatus, extra: { paymentIntentId?: string; chargeId?: string; transferId?: string } = {}): Promise<void> {
    const { money } = this.state;
    this.state.paymentStatus = next;
    this.show();
    await this.record('recordPayment', `Payment is now ${next}`, {
      bookingId: this.input.bookingId,
      paymentStatus: next,
      ...extra,
      capturedMinor: money.capturedMinor,
      refundedMinor: money.refundedMinor,
      paidOutMinor: money.paidOutMinor,
    });
  }

  async event(type: string, dedupeKey: string, actor: Actor, data: Record<string, unknown> = {}, actorId?: string): Promise<void> {
    await this.record('recordEvent', `Log ${type}`, { bookingId: this.input.bookingId, type, at: nowIso(), actor, dedupeKey, data, ...(actorId ? { actorId } : {}) });
  }

  /** Best effort: an email that cannot be sent is a timeline event, never a stuck booking. */
  async notify(step: string, template: string, recipients: string[], params: Record<string, string | number> = {}): Promise<void> {
    const { input, state } = this;
    const who = recipients.length === 2 ? 'both parties' : recipients[0] === input.tutorId ? 'the tutor' : 'the student';
    const outcome = await attempt('notify', `Email ${template} to ${who}`, {
      bookingId: input.bookingId,
      step,
      template,
      recipientUserIds: recipients,
      params: {
        bookingId: input.bookingId,
        sessionStart: state.sessionStart,
        sessionEnd: state.sessionEnd,
        timeZone: input.timeZone,
        priceMinor: state.priceMinor,
        currency: input.currency,
        ...params,
      },
    });
    if (!outcome.ok) await this.event('email.failed', `email.failed:${step}`, 'system', { template, message: outcome.message });
  }

  async publishAvailability(summary: string): Promise<void> {
    // The activity itself swallows a Redis outage; a watcher's view is only stale until it refreshes.
    await attempt('publishAvailabilityChanged', summary, { tutorId: this.input.tutorId });
  }

  /**
   * Something waits for an admin. The booking goes on where it can; the item stays (in the query,
   * the Attention search attribute and the read model) until an admin retries or closes it, and
   * the workflow does not finish before then.
   */
  async raiseAttention(item: { id: string; reason: AttentionReason; message: string; retryable: boolean; amountMinor?: number }, retry?: () => Promise<boolean>): Promise<void> {
    const { state } = this;
    const since = nowIso();
    const full: AttentionItem = { ...item, since };
    const existing = state.attention.findIndex((open) => open.id === item.id);
    if (existing >= 0) state.attention.splice(existing, 1, full);
    else state.attention.push(full);
    if (retry && item.retryable) state.attentionRetries.set(item.id, retry);
    await this.showAttention();
    await this.event('attention.raised', `attention.raised:${item.id}:${since}`, 'system', { ...full });
  }

  /** Runs an item's step again (true when it went through) or closes it; either way the item is gone once settled. */
  async settleAttention(itemId: string, action: 'retry' | 'close', adminId: string, reason: string): Promise<boolean> {
    const { state } = this;
    if (action === 'retry') {
      const retry = state.attentionRetries.get(itemId);
      if (!retry || !(await retry())) return false;
    }
    const index = state.attention.findIndex((open) => open.id === itemId);
    if (index >= 0) state.attention.splice(index, 1);
    state.attentionRetries.delete(itemId);
    await this.showAttention();
    await this.event('attention.resolved', `attention.resolved:${itemId}:${nowIso()}`, 'admin', { itemId, action, reason }, adminId);
    return true;
  }

  private async showAttention(): Promise<void> {
    const { state } = this;
    const oldest = state.attention[0];
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.attention, value: oldest ? oldest.reason : null }]);
    setCurrentDetails(describeState(state.snapshot(), this.input));
    // The flag itself must never raise attention: a failed write here is retried by the next change.
    await attemptMaybeLocal(state.localRecords, 'recordAttention', oldest ? `Needs an admin: ${oldest.reason}` : 'Nothing waits for an admin any more', {
      bookingId: this.input.bookingId,
      reason: oldest ? oldest.reason : null,
      since: oldest ? oldest.since : null,
    });
  }

  /**
   * The one close path of a booking that ends before or instead of its lesson: the new status, then
   * the clean-up (refund, meeting, calendars), the availability broadcast and the emails.
   */
  async close(to: BookingStatus, by: { actor: Actor; actorId?: string | undefined; reason: string }, notice: Notice, cleanup?: () => Promise<void>): Promise<void> {
    await this.moveTo(to, by.actor, by.actorId, by.reason);
    this.state.submissionSettled = true;
    if (cleanup) await cleanup();
    const published = this.publishAvailability('Tell watchers the time is free again');
    // Neither waits for the other (PATCHES.localRecords): one round trip instead of two.
    if (!this.state.localRecords) await published;
    await this.notify(notice.step, notice.template, notice.recipients, notice.params ?? {});
    await published;
  }

  /** Waits until a command arrives or `ms` pass; true when a command is waiting. */
  waitForCommand(ms: number, summary: string): Promise<boolean> {
    return condition(() => this.state.inbox.length > 0, ms, { summary });
  }
}

export function refusalOfState(status: BookingStatus): { message: string; type: string } {
  return { message: `Not possible while the booking is ${status}`, type: REFUSALS.invalidState };
}
