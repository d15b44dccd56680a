/**
 * The package workflow: the single writer of one bought package's money and lifecycle.
 *
 *   charge the card (captured at once) → credits granted → reminders before expiry → expiry
 *   (unused credits refunded pro rata) → until every lesson taken from the package is settled
 *   → (attention: until an admin has settled every refused money step) → done
 *
 * Commands (an admin's refund, a failed step's retry, a booking's "lesson settled" signal) are
 * queued and applied one at a time by the running phase, so one thread of control owns every state
 * change. Money rules come from domain/credits.ts; nothing here decides an amount on its own.
 */
import { allHandlersFinished, ApplicationFailure, condition, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { EMPTY_PACKAGE_MONEY, lessonPayout, moneyLeft, type PackageMoney, type PackageStatus, unusedRefund } from '../../domain/credits.js';
import { formatMoney } from '../../domain/money.js';
import {
  type AdminPackageRefund,
  adminRefundPackageUpdate,
  getPackageQuery,
  lessonSettledSignal,
  type LessonSettled,
  PACKAGE_REFUSALS,
  type PackageAttentionItem,
  type PackageSnapshot,
  type PackageWorkflowInput,
  resolvePackageAttentionUpdate,
  type ResolvePackageAttention,
  submitPackageUpdate,
} from './definitions.js';
import { attempt, call } from './effects.js';

/** The booking workflow's key, registered on every server: the admin list finds packages that wait too. */
const ATTENTION = defineSearchAttributeKey('Attention', SearchAttributeType.KEYWORD);

type Command =
  | { kind: 'adminRefund'; request: AdminPackageRefund }
  | { kind: 'resolveAttention'; request: ResolvePackageAttention }
  | { kind: 'lessonSettled'; request: LessonSettled };

interface Queued {
  command: Command;
  done: boolean;
  refusal?: { message: string; type: string };
}

const nowIso = () => new Date().toISOString();

class PackageRun {
  status: PackageStatus = 'pending';
  paymentFailure: string | undefined;
  paymentIntentId: string | undefined;
  chargeId: string | undefined;
  money: PackageMoney = { ...EMPTY_PACKAGE_MONEY };
  submissionSettled = false;
  readonly inbox: Queued[] = [];
  readonly settledLessons = new Set<string>();
  readonly adminRefunds = new Set<string>();
  readonly attention: PackageAttentionItem[] = [];
  readonly retries = new Map<string, () => Promise<boolean>>();

  constructor(readonly input: PackageWorkflowInput) {}

  snapshot(): PackageSnapshot {
    return {
      packageId: this.input.packageId,
      status: this.status,
      ...(this.paymentFailure ? { paymentFailure: this.paymentFailure } : {}),
      ...this.money,
      expiresAt: this.input.expiresAt,
      settledLessons: this.settledLessons.size,
      ...(this.attention.length > 0 ? { attention: this.attention.map((item) => ({ ...item })) } : {}),
    };
  }

  show(): void {
    const { input, money } = this;
    const lines = [
      `**${this.status}** · ${input.lessons} × ${input.lengthMinutes} min for ${formatMoney(input.priceMinor, input.currency)}, expires ${input.expiresAt}`,
      `Student ${input.studentId} · tutor ${input.tutorId}`,
      `Captured ${formatMoney(money.capturedMinor, input.currency)} · refunded ${formatMoney(money.refundedMinor, input.currency)} · paid out ${formatMoney(money.paidOutMinor, input.currency)}`,
      ...this.attention.map((item) => `**Needs an admin**: ${item.reason} (${item.id}): ${item.message}`),
    ];
    setCurrentDetails(lines.join('\n\n'));
    upsertSearchAttributes([{ key: ATTENTION, value: this.attention[0]?.reason ?? null }]);
  }

  async record(): Promise<void> {
    this.show();
    await call('recordPackage', `Package is now ${this.status}`, {
      packageId: this.input.packageId,
      status: this.status,
      ...(this.paymentIntentId ? { paymentIntentId: this.paymentIntentId } : {}),
      ...(this.chargeId ? { chargeId: this.chargeId } : {}),
      ...(this.paymentFailure ? { paymentFailure: this.paymentFailure } : {}),
      ...this.money,
    });
  }

  async notify(step: string, template: string, params: Record<string, string | number> = {}): Promise<void> {
    const { input } = this;
    await attempt('notifyPackage', `Email ${template} to the student`, {
      packageId: input.packageId,
      step,
      template,
      recipientUserIds: [input.studentId],
      params: { packageId: input.packageId, lessons: input.lessons, lengthMinutes: input.lengthMinutes, expiresAt: input.expiresAt, currency: input.currency, ...params },
    });
  }

  /** A refused money step waits for an admin (retry or close); the package goes on meanwhile. */
  async raiseAttention(item: Omit<PackageAttentionItem, 'since'>, retry: () => Promise<boolean>): Promise<void> {
    const full = { ...item, since: nowIso() };
    const existing = this.attention.findIndex((open) => open.id === item.id);
    if (existing >= 0) this.attention.splice(existing, 1, full);
    else this.attention.push(full);
    this.retries.set(item.id, retry);
    this.show();
  }

  // ---- money ---------------------------------------------------------------------------------

  /** Refunds `amountMinor` of the package's charge (bounded by what it still has); refused, it waits for an admin. */
  async refund(amountMinor: number, step: string, reason: string): Promise<number> {
    const run = async (): Promise<boolean> => {
      const amount = Math.min(amountMinor, moneyLeft(this.money));
      if (amount <= 0 || !this.paymentIntentId) return true;
      const outcome = await attempt('refundPackage', `Refund ${formatMoney(amount, this.input.currency)} (${reason})`, { packageId: this.input.packageId, paymentIntentId: this.paymentIntentId, amountMinor: amount, step, reason });
      if (!outcome.ok) {
        await this.raiseAttention({ id: step, reason: 'refund_failed', message: outcome.message, amountMinor: amount }, run);
        return false;
      }
      this.money = { ...this.money, refundedMinor: this.money.refundedMinor + Math.min(outcome.value.amountMinor, moneyLeft(this.money)) };
      await this.record();
      return true;
    };
    const before = this.money.refundedMinor;
    await run();
    return this.money.refundedMinor - before;
  }

  /** The tutor's share of one lesson, transferred from the package's charge (source_transaction). */
  async payLesson(bookingId: string): Promise<void> {
    const step = `payout-${bookingId}`;
    const run = async (): Promise<boolean> => {
      const { input } = this;
      const amountMinor = lessonPayout(this.money, input);
      if (amountMinor <= 0 || !this.chargeId) return true;
      const account = await call('packagePayoutAccount', 'Look up the tutor’s payout account', { tutorId: input.tutorId });
      const outcome = account?.payoutsEnabled
        ? await attempt('payLesson', `Pay the tutor ${formatMoney(amountMinor, input.currency)} for lesson ${bookingId}`, {
            packageId: input.packageId,
            bookingId,
            chargeId: this.chargeId,
            tutorAccountId: account.accountId,
            amountMinor,
            currency: input.currency,
          })
        : ({ ok: false, message: 'The tutor cannot receive payouts yet' } as const);
      if (!outcome.ok) {
        await this.raiseAttention({ id: step, reason: 'payout_failed', message: outcome.message, amountMinor }, run);
        return false;
      }
      this.money = { ...this.money, paidOutMinor: this.money.paidOutMinor + Math.min(outcome.value.amountMinor, moneyLeft(this.money)) };
      await this.record();
      return true;
    };
    await run();
  }

  /** Takes every unused credit and refunds what they are worth, pro rata. */
  async refundUnused(kind: 'expire' | 'refund', key: string, status: PackageStatus, reason: string): Promise<void> {
    const taken = await call('takeUnusedCredits', `Take the unused credits (${kind})`, { packageId: this.input.packageId, kind, dedupeKey: `${kind}:${key}`, moneyLeftMinor: moneyLeft(this.money), status });
    this.status = status;
    await this.record();
    if (taken.refundMinor > 0) await this.refund(taken.refundMinor, `refund-${kind}-${key}`, reason);
    await this.notify(`${kind}-${key}`, 'package-credits-refunded', { credits: taken.credits, amountMinor: taken.refundMinor, reason });
  }

  // ---- commands ------------------------------------------------------------------------------

  async apply(entry: Queued): Promise<void> {
    const { command } = entry;
    try {
      if (command.kind === 'adminRefund') {
        if (!this.adminRefunds.has(command.request.requestId)) {
          if (this.status !== 'active') {
            entry.refusal = { message: `Not possible while the package is ${this.status}`, type: PACKAGE_REFUSALS.invalidState };
            return;
          }
          this.adminRefunds.add(command.request.requestId);
          await this.refundUnused('refund', command.request.requestId, 'refunded', `Refunded by an admin: ${command.request.reason}`);
        }
      } else if (command.kind === 'resolveAttention') {
        const item = command.request.itemId ? this.attention.find((open) => open.id === command.request.itemId) : this.attention[0];
        if (!item) {
          entry.refusal = { message: 'Nothing of this package waits for an admin', type: PACKAGE_REFUSALS.invalidState };
          return;
        }
        const retry = this.retries.get(item.id);
        this.attention.splice(this.attention.indexOf(item), 1);
        this.retries.delete(item.id);
        this.show();
        // A retry refused again raises the item again.
        if (command.request.action === 'retry' && retry) await retry();
      } else {
        await this.settleLesson(command.request);
      }
    } finally {
      entry.done = true;
    }
  }

  private async settleLesson({ bookingId, outcome }: LessonSettled): Promise<void> {
    if (this.settledLessons.has(bookingId)) return;
    this.settledLessons.add(bookingId);
    if (outcome !== 'returned') {
      await this.payLesson(bookingId);
      return;
    }
    const available = await call('returnCredit', 'Give the cancelled lesson’s credit back', { packageId: this.input.packageId, bookingId });
    // The package expired meanwhile: the credit cannot be used any more, so it is refunded like the others were.
    if (!available) await this.refund(unusedRefund(this.money, { ...this.input, credits: 1 }), `refund-return-${bookingId}`, 'A lesson cancelled after the package expired');
  }

  /** Applies commands until `deadlineMs` (or, without one, until `stop` holds). */
  async drainUntil(deadlineMs: number | undefined, summary: string, stop: () => boolean = () => false): Promise<void> {
    while (!stop()) {
      if (deadlineMs === undefined) await condition(() => this.inbox.length > 0 || stop());
      else {
        const remaining = deadlineMs - Date.now();
        if (remaining <= 0) return;
        if (!(await condition(() => this.inbox.length > 0 || stop(), remaining, { summary }))) return;
      }
      const entry = this.inbox.shift();
      if (entry) await this.apply(entry);
    }
  }
}

export async function packageWorkflow(input: PackageWorkflowInput): Promise<PackageSnapshot> {
  const run = new PackageRun(input);
  const enqueue = async (command: Command): Promise<PackageSnapshot> => {
    const entry: Queued = { command, done: false };
    run.inbox.push(entry);
    await condition(() => entry.done);
    if (entry.refusal) throw ApplicationFailure.nonRetryable(entry.refusal.message, entry.refusal.type);
    return run.snapshot();
  };

  setHandler(getPackageQuery, () => run.snapshot());
  setHandler(
    submitPackageUpdate,
    async () => {
      await condition(() => run.submissionSettled);
      return run.snapshot();
    },
    {
      validator: ({ requestHash }) => {
        if (requestHash !== input.requestHash) throw ApplicationFailure.nonRetryable('This Idempotency-Key was already used for a different request', PACKAGE_REFUSALS.idempotencyKeyReused);
      },
    },
  );
  setHandler(adminRefundPackageUpdate, (request) => enqueue({ kind: 'adminRefund', request }));
  setHandler(resolvePackageAttentionUpdate, (request) => enqueue({ kind: 'resolveAttention', request }), {
    validator: (_request: ResolvePackageAttention) => {
      if (run.attention.length === 0) throw ApplicationFailure.nonRetryable('Nothing of this package waits for an admin', PACKAGE_REFUSALS.invalidState);
    },
  });
  setHandler(lessonSettledSignal, (request) => {
    run.inbox.push({ command: { kind: 'lessonSettled', request }, done: false });
  });

  // ---- the charge: captured at once (a package is paid for when bought) ---------------------
  run.show();
  const charge = await attempt('chargePackage', `Charge ${formatMoney(input.priceMinor, input.currency)} for the package`, {
    packageId: input.packageId,
    studentId: input.studentId,
    amountMinor: input.priceMinor,
    currency: input.currency,
    paymentMethodId: input.paymentMethodId,
  });
  const charged = charge.ok && charge.value.status === 'succeeded' ? charge.value : undefined;
  if (!charged) {
    run.status = 'payment_failed';
    run.paymentFailure = !charge.ok ? charge.message : charge.value.status === 'failed' ? charge.value.message : 'The card was not charged';
    if (charge.ok && charge.value.paymentIntentId) run.paymentIntentId = charge.value.paymentIntentId;
    await run.record();
    run.submissionSettled = true;
    return run.snapshot();
  }
  run.paymentIntentId = charged.paymentIntentId;
  run.chargeId = charged.chargeId;
  run.money = { ...run.money, capturedMinor: charged.amountMinor };
  await call('grantCredits', `Grant ${input.lessons} credits`, { packageId: input.packageId });
  run.status = 'active';
  await run.record();
  run.submissionSettled = true;
  await run.notify('purchased', 'package-purchased', { amountMinor: charged.amountMinor });

  // ---- until expiry: reminders, admin refunds, lessons settled ------------------------------
  const expiresMs = Date.parse(input.expiresAt);
  const reminders = input.reminderOffsetsMs.map((offset) => expiresMs - offset).filter((at) => at > Date.now()).sort((a, b) => a - b);
  for (const at of reminders) {
    await run.drainUntil(at, `Wait to remind the student ${Math.round((expiresMs - at) / 86_400_000)} days before expiry`, () => run.status !== 'active');
    if (run.status !== 'active') break;
    await run.notify(`expiry-reminder-${expiresMs - at}`, 'package-expiring');
  }
  await run.drainUntil(expiresMs, 'Wait for the package to expire', () => run.status !== 'active');
  if (run.status === 'active') await run.refundUnused('expire', input.packageId, 'expired', 'The package expired with unused credits');

  // ---- after expiry (or a full refund): the lessons already booked still settle ---------------
  // No credit can be taken any more (the package is not active), so this count is final.
  const consumed = await call('consumedLessons', 'Count the lessons taken from the package', { packageId: input.packageId });
  await run.drainUntil(undefined, 'Wait for the booked lessons of the package to settle', () => run.settledLessons.size >= consumed);
  await run.drainUntil(undefined, 'Wait for an admin to settle what needs attention', () => run.attention.length === 0);
  for (const entry of run.inbox.splice(0)) {
    entry.refusal = { message: 'The package is closed', type: PACKAGE_REFUSALS.invalidState };
    entry.done = true;
  }
  await condition(allHandlersFinished);
  return run.snapshot();
}
