/**
 * A tutor's earnings by month and currency, from the bookings read model: what is held for them
 * (captured, the payout hold not over yet), what was paid out, what went back to students
 * (refunds) and what was taken back from them after a payout (reversals).
 */
import type { EarningsRepository, TutorLessonMoney } from '../../db/repositories/earnings-repository.js';
import { payoutDue } from '../../domain/booking-money.js';
import { AppError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';

export interface EarningsLine {
  month: string;
  currency: string;
  lessons: number;
  /** The tutor's share of lessons captured and not paid out yet (the payout hold, a dispute). */
  pendingMinor: number;
  paidOutMinor: number;
  /** Refunded to students on these lessons. */
  refundedMinor: number;
  /** Taken back from the tutor after a payout (a refund that came later). */
  reversedMinor: number;
}

/** A lesson's money still to be paid to the tutor: captured, alive, not paid out. */
const PENDING_STATUSES = new Set(['SCHEDULED', 'ACTIVE', 'ENDED']);

function lineOf(lesson: TutorLessonMoney): Omit<EarningsLine, 'month' | 'currency'> {
  const ledger = { capturedMinor: lesson.capturedMinor, refundedMinor: lesson.refundedMinor, paidOutMinor: lesson.paidOutMinor, reversedMinor: lesson.reversedMinor };
  return {
    lessons: 1,
    pendingMinor: PENDING_STATUSES.has(lesson.status) ? payoutDue(ledger, lesson.commissionBps) : 0,
    paidOutMinor: lesson.paidOutMinor,
    refundedMinor: lesson.refundedMinor,
    reversedMinor: lesson.reversedMinor,
  };
}

function add(into: EarningsLine, line: Omit<EarningsLine, 'month' | 'currency'>): void {
  into.lessons += line.lessons;
  into.pendingMinor += line.pendingMinor;
  into.paidOutMinor += line.paidOutMinor;
  into.refundedMinor += line.refundedMinor;
  into.reversedMinor += line.reversedMinor;
}

const empty = (month: string, currency: string): EarningsLine => ({ month, currency, lessons: 0, pendingMinor: 0, paidOutMinor: 0, refundedMinor: 0, reversedMinor: 0 });

export class EarningsService {
  constructor(private readonly earnings: EarningsRepository) {}

  /** The last `months` calendar months (UTC), newest first; totals per currency over them. */
  async tutorEarnings(principal: Principal, months: number, nowMs = Date.now()): Promise<{ months: EarningsLine[]; totals: Omit<EarningsLine, 'month'>[] }> {
    if (principal.role !== 'tutor') throw AppError.forbidden('Only tutors have earnings');
    const now = new Date(nowMs);
    const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
    const byMonth = new Map<string, EarningsLine>();
    const totals = new Map<string, EarningsLine>();
    for (const lesson of await this.earnings.tutorLessons(principal.userId, since)) {
      const line = lineOf(lesson);
      const key = `${lesson.month} ${lesson.currency}`;
      if (!byMonth.has(key)) byMonth.set(key, empty(lesson.month, lesson.currency));
      if (!totals.has(lesson.currency)) totals.set(lesson.currency, empty('', lesson.currency));
      add(byMonth.get(key)!, line);
      add(totals.get(lesson.currency)!, line);
    }
    return {
      months: [...byMonth.values()].sort((a, b) => b.month.localeCompare(a.month) || a.currency.localeCompare(b.currency)),
      totals: [...totals.values()].map(({ month: _month, ...total }) => total).sort((a, b) => a.currency.localeCompare(b.currency)),
    };
  }
}
