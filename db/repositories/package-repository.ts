/**
 * Every query on lesson packages, their credit ledger and trial lessons. The ledger is append-only
 * (a trigger refuses the rest); `lesson_packages.credits_left` is its lockable projection, changed
 * in the same transaction as each entry, so a balance is never behind and never negative.
 */
import type { Knex } from 'knex';
import { type CreditEntryKind, type PackageStatus, unusedRefund } from '../../domain/credits.js';

export interface PackageOffer {
  id: string;
  tutorId: string;
  lessons: number;
  lengthMinutes: number;
  discountBps: number;
  priceMinor: number;
  currency: string;
  retiredAt: Date | null;
  createdAt: Date;
}

export interface LessonPackage {
  id: string;
  offerId: string;
  studentId: string;
  tutorId: string;
  lessons: number;
  lengthMinutes: number;
  priceMinor: number;
  currency: string;
  commissionBps: number;
  status: PackageStatus;
  paymentIntentId: string | null;
  chargeId: string | null;
  paymentFailure: string | null;
  capturedMinor: number;
  refundedMinor: number;
  paidOutMinor: number;
  creditsLeft: number;
  expiresAt: Date;
  requestHash: string;
  createdAt: Date;
}

export interface CreditEntry {
  id: string;
  packageId: string;
  kind: CreditEntryKind;
  credits: number;
  bookingId: string | null;
  amountMinor: number | null;
  createdAt: Date;
}

export interface CreditBalance {
  tutorId: string;
  lengthMinutes: number;
  credits: number;
}

export interface TrialOffer {
  tutorId: string;
  lengthMinutes: number;
  priceMinor: number;
  currency: string;
}

type Row = Record<string, unknown>;
const camel = (key: string) => key.replace(/_([a-z])/g, (_m, letter: string) => letter.toUpperCase());
function fromRow<T>(row: Row | undefined): T | undefined {
  if (!row) return undefined;
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [camel(key), typeof value === 'string' && key === 'currency' ? value.trim() : value])) as T;
}

const UNIQUE_VIOLATION = '23505';
function isUniqueViolation(error: unknown): boolean {
  const wrapped = error as { nativeError?: unknown };
  return ((wrapped.nativeError ?? error) as { code?: string }).code === UNIQUE_VIOLATION;
}

export class PackageRepository {
  constructor(private readonly db: Knex) {}

  // ---- offers ---------------------------------------------------------------------------------

  async insertOffer(offer: Omit<PackageOffer, 'id' | 'retiredAt' | 'createdAt'>): Promise<PackageOffer> {
    const [row] = await this.db('package_offers')
      .insert({ tutor_id: offer.tutorId, lessons: offer.lessons, length_minutes: offer.lengthMinutes, discount_bps: offer.discountBps, price_minor: offer.priceMinor, currency: offer.currency })
      .returning('*');
    return fromRow<PackageOffer>(row)!;
  }

  async findOffer(id: string): Promise<PackageOffer | undefined> {
    return fromRow<PackageOffer>(await this.db('package_offers').where({ id }).first());
  }

  async listOffers(tutorId: string, options: { includeRetired?: boolean } = {}): Promise<PackageOffer[]> {
    const query = this.db('package_offers').where({ tutor_id: tutorId }).orderBy([{ column: 'lessons' }, { column: 'created_at' }]);
    if (!options.includeRetired) query.whereNull('retired_at');
    return (await query).map((row: Row) => fromRow<PackageOffer>(row)!);
  }

  /** Retires the tutor's offer (packages bought from it live on); undefined when it is not theirs. */
  async retireOffer(tutorId: string, id: string): Promise<PackageOffer | undefined> {
    const [row] = await this.db('package_offers').where({ id, tutor_id: tutorId }).update({ retired_at: this.db.raw('coalesce(retired_at, now())') }).returning('*');
    return fromRow<PackageOffer>(row);
  }

  // ---- packages -------------------------------------------------------------------------------

  /** The package row the workflow will fill in; an existing one with this id is left as it is. */
  async insertPackage(pkg: Pick<LessonPackage, 'id' | 'offerId' | 'studentId' | 'tutorId' | 'lessons' | 'lengthMinutes' | 'priceMinor' | 'currency' | 'commissionBps' | 'expiresAt' | 'requestHash'>): Promise<void> {
    await this.db('lesson_packages')
      .insert({
        id: pkg.id,
        offer_id: pkg.offerId,
        student_id: pkg.studentId,
        tutor_id: pkg.tutorId,
        lessons: pkg.lessons,
        length_minutes: pkg.lengthMinutes,
        price_minor: pkg.priceMinor,
        currency: pkg.currency,
        commission_bps: pkg.commissionBps,
        expires_at: pkg.expiresAt,
        request_hash: pkg.requestHash,
      })
      .onConflict('id')
      .ignore();
  }

  async findPackage(id: string): Promise<LessonPackage | undefined> {
    return fromRow<LessonPackage>(await this.db('lesson_packages').where({ id }).first());
  }

  async listPackages(filter: { studentId?: string; tutorId?: string }): Promise<LessonPackage[]> {
    const query = this.db('lesson_packages').orderBy('created_at', 'desc').limit(200);
    if (filter.studentId) query.where({ student_id: filter.studentId });
    if (filter.tutorId) query.where({ tutor_id: filter.tutorId });
    return (await query).map((row: Row) => fromRow<LessonPackage>(row)!);
  }

  /** The workflow's view of the package's status and money (the read model). */
  async recordPackage(id: string, patch: { status: PackageStatus; paymentIntentId?: string; chargeId?: string; paymentFailure?: string; capturedMinor: number; refundedMinor: number; paidOutMinor: number }): Promise<void> {
    await this.db('lesson_packages')
      .where({ id })
      .update({
        status: patch.status,
        ...(patch.paymentIntentId ? { payment_intent_id: patch.paymentIntentId } : {}),
        ...(patch.chargeId ? { charge_id: patch.chargeId } : {}),
        ...(patch.paymentFailure ? { payment_failure: patch.paymentFailure } : {}),
        captured_minor: patch.capturedMinor,
        refunded_minor: patch.refundedMinor,
        paid_out_minor: patch.paidOutMinor,
        updated_at: this.db.fn.now(),
      });
  }

  // ---- the ledger -----------------------------------------------------------------------------

  /** Credits per tutor and lesson length for a student (active packages, not expired). */
  async balances(studentId: string): Promise<CreditBalance[]> {
    const rows = await this.db('credit_entries as e')
      .join('lesson_packages as p', 'p.id', 'e.package_id')
      .where('e.student_id', studentId)
      .where('p.status', 'active')
      .groupBy('e.tutor_id', 'e.length_minutes')
      .select('e.tutor_id', 'e.length_minutes', this.db.raw('sum(e.credits)::int as credits'))
      .havingRaw('sum(e.credits) > 0')
      .orderBy(['e.tutor_id', 'e.length_minutes']);
    return rows.map((row: Row) => fromRow<CreditBalance>(row)!);
  }

  async entries(packageId: string): Promise<CreditEntry[]> {
    const rows = await this.db('credit_entries').where({ package_id: packageId }).orderBy('id').select('id', 'package_id', 'kind', 'credits', 'booking_id', 'amount_minor', 'created_at');
    return rows.map((row: Row) => fromRow<CreditEntry>(row)!);
  }

  /** An entry and the projection it moves, together; false when the entry was written before (a retry). */
  private async append(trx: Knex.Transaction, pkg: LessonPackage, entry: { kind: CreditEntryKind; credits: number; dedupeKey: string; bookingId?: string; amountMinor?: number }): Promise<boolean> {
    const inserted = await trx('credit_entries')
      .insert({
        package_id: pkg.id,
        student_id: pkg.studentId,
        tutor_id: pkg.tutorId,
        length_minutes: pkg.lengthMinutes,
        kind: entry.kind,
        credits: entry.credits,
        booking_id: entry.bookingId ?? null,
        amount_minor: entry.amountMinor ?? null,
        dedupe_key: entry.dedupeKey,
      })
      .onConflict('dedupe_key')
      .ignore()
      .returning('id');
    if (inserted.length === 0) return false;
    await trx('lesson_packages').where({ id: pkg.id }).update({ credits_left: trx.raw('credits_left + ?', [entry.credits]), updated_at: trx.fn.now() });
    return true;
  }

  private async lockPackage(trx: Knex.Transaction, id: string): Promise<LessonPackage> {
    const pkg = fromRow<LessonPackage>(await trx('lesson_packages').where({ id }).forUpdate().first());
    if (!pkg) throw new Error(`Package ${id} does not exist`);
    return pkg;
  }

  async grantCredits(packageId: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      const pkg = await this.lockPackage(trx, packageId);
      await this.append(trx, pkg, { kind: 'purchase', credits: pkg.lessons, dedupeKey: `purchase:${packageId}` });
      await trx('lesson_packages').where({ id: packageId, status: 'pending' }).update({ status: 'active' });
    });
  }

  /**
   * Takes every unused credit in one entry (−n) and moves the package to `status`, so no booking
   * can take a credit afterwards. A retry finds its entry and answers the same.
   */
  async takeUnusedCredits(input: { packageId: string; kind: 'expire' | 'refund'; dedupeKey: string; moneyLeftMinor: number; status: PackageStatus }): Promise<{ credits: number; refundMinor: number }> {
    return this.db.transaction(async (trx) => {
      const pkg = await this.lockPackage(trx, input.packageId);
      const earlier = await trx('credit_entries').where({ dedupe_key: input.dedupeKey }).first();
      if (earlier) return { credits: -earlier.credits, refundMinor: earlier.amount_minor ?? 0 };
      const credits = pkg.creditsLeft;
      // The money the package still has, as the workflow counts it (the read model may lag a step).
      const money = { capturedMinor: input.moneyLeftMinor, refundedMinor: 0, paidOutMinor: 0 };
      const refundMinor = unusedRefund(money, { priceMinor: pkg.priceMinor, lessons: pkg.lessons, credits });
      if (credits > 0) await this.append(trx, pkg, { kind: input.kind, credits: -credits, dedupeKey: input.dedupeKey, amountMinor: refundMinor });
      await trx('lesson_packages').where({ id: pkg.id }).update({ status: input.status, updated_at: trx.fn.now() });
      return { credits, refundMinor: credits > 0 ? refundMinor : 0 };
    });
  }

  /**
   * Takes one credit of the student's for this tutor and length (the package expiring first), for
   * `bookingId`. The row lock serialises bookings racing for the same package: the second one
   * re-reads `credits_left` after the first commits, and finds none left. Undefined: no credit.
   */
  async consumeCredit(input: { studentId: string; tutorId: string; lengthMinutes: number; bookingId: string }, trx?: Knex.Transaction): Promise<LessonPackage | undefined> {
    const work = async (t: Knex.Transaction) => {
      const earlier = await t('credit_entries').where({ dedupe_key: `consume:${input.bookingId}` }).first();
      if (earlier) return this.findPackage(earlier.package_id as string);
      const pkg = fromRow<LessonPackage>(
        await t('lesson_packages')
          .where({ student_id: input.studentId, tutor_id: input.tutorId, length_minutes: input.lengthMinutes, status: 'active' })
          .where('credits_left', '>', 0)
          .where('expires_at', '>', t.fn.now())
          .orderBy([{ column: 'expires_at' }, { column: 'id' }])
          .forUpdate()
          .first(),
      );
      if (!pkg) return undefined;
      await this.append(t, pkg, { kind: 'consume', credits: -1, dedupeKey: `consume:${input.bookingId}`, bookingId: input.bookingId });
      return pkg;
    };
    return trx ? work(trx) : this.db.transaction(work);
  }

  /** Undoes a consume whose booking never came to be (its time was taken, …): the credit was never used. */
  async undoConsume(bookingId: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      const consumed = await trx('credit_entries').where({ dedupe_key: `consume:${bookingId}` }).first();
      if (!consumed) return;
      const pkg = await this.lockPackage(trx, consumed.package_id as string);
      if (pkg.status !== 'active') return;
      await this.append(trx, pkg, { kind: 'return', credits: 1, dedupeKey: `return:${bookingId}`, bookingId });
    });
  }

  /**
   * A cancelled lesson's credit back (+1). When the package is no longer active, the credit cannot
   * be used again: it is expired at once (return +1, expire −1) and the caller refunds it.
   */
  async returnCredit(packageId: string, bookingId: string): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      const pkg = await this.lockPackage(trx, packageId);
      const returned = await trx('credit_entries').where({ dedupe_key: `return:${bookingId}` }).first();
      if (returned) return !(await trx('credit_entries').where({ dedupe_key: `expire-return:${bookingId}` }).first());
      await this.append(trx, pkg, { kind: 'return', credits: 1, dedupeKey: `return:${bookingId}`, bookingId });
      if (pkg.status === 'active') return true;
      await this.append(trx, pkg, { kind: 'expire', credits: -1, dedupeKey: `expire-return:${bookingId}`, bookingId });
      return false;
    });
  }

  /** The package whose credit paid for `bookingId`, if one did. */
  async packageOfBooking(bookingId: string): Promise<string | undefined> {
    const row = await this.db('credit_entries').where({ dedupe_key: `consume:${bookingId}` }).first('package_id');
    return row?.package_id as string | undefined;
  }

  async consumedLessons(packageId: string): Promise<number> {
    const [row] = await this.db('credit_entries').where({ package_id: packageId, kind: 'consume' }).count<{ count: string }[]>('id as count');
    return Number(row?.count ?? 0);
  }

  // ---- trial lessons --------------------------------------------------------------------------

  async upsertTrialOffer(offer: TrialOffer): Promise<TrialOffer> {
    const [row] = await this.db('trial_offers')
      .insert({ tutor_id: offer.tutorId, length_minutes: offer.lengthMinutes, price_minor: offer.priceMinor, currency: offer.currency })
      .onConflict('tutor_id')
      .merge({ length_minutes: offer.lengthMinutes, price_minor: offer.priceMinor, currency: offer.currency, updated_at: this.db.fn.now() })
      .returning(['tutor_id', 'length_minutes', 'price_minor', 'currency']);
    return fromRow<TrialOffer>(row)!;
  }

  async findTrialOffer(tutorId: string): Promise<TrialOffer | undefined> {
    return fromRow<TrialOffer>(await this.db('trial_offers').where({ tutor_id: tutorId }).first('tutor_id', 'length_minutes', 'price_minor', 'currency'));
  }

  async deleteTrialOffer(tutorId: string): Promise<boolean> {
    return (await this.db('trial_offers').where({ tutor_id: tutorId }).delete()) > 0;
  }

  /**
   * Claims the student's one trial with this tutor for `bookingId`. The primary key (student, tutor)
   * refuses a second claim, also when two requests race: false then. The same booking claiming
   * again (a retried request) is true.
   */
  async claimTrial(studentId: string, tutorId: string, bookingId: string): Promise<boolean> {
    try {
      await this.db('trial_lessons').insert({ student_id: studentId, tutor_id: tutorId, booking_id: bookingId });
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const held = await this.db('trial_lessons').where({ student_id: studentId, tutor_id: tutorId }).first('booking_id');
      return held?.booking_id === bookingId;
    }
  }

  /** A trial booking that never came to be gives the trial back. */
  async releaseTrial(bookingId: string): Promise<void> {
    await this.db('trial_lessons').where({ booking_id: bookingId }).delete();
  }

  async isTrialBooking(bookingId: string): Promise<boolean> {
    return Boolean(await this.db('trial_lessons').where({ booking_id: bookingId }).first('booking_id'));
  }

  async hasUsedTrial(studentId: string, tutorId: string): Promise<boolean> {
    return Boolean(await this.db('trial_lessons').where({ student_id: studentId, tutor_id: tutorId }).first('booking_id'));
  }
}
