/**
 * A student's receipts. For one booking: the price, what was captured and when, each refund with
 * its date, and what the lesson cost in the end, read from the booking and its event log (the
 * booking's workflow writes both). For one lesson package: the same, read from the package and its
 * credit ledger (the package's workflow writes both), with the credits used and left. For their
 * student and admins only: the tutor has earnings, not receipts.
 */
import type { Booking } from '../../db/models/booking.js';
import type { BookingPayment, BookingPaymentRepository } from '../../db/repositories/booking-payment-repository.js';
import type { BookingRepository } from '../../db/repositories/booking-repository.js';
import type { EarningsRepository } from '../../db/repositories/earnings-repository.js';
import type { CreditEntry, LessonPackage, PackageRepository } from '../../db/repositories/package-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import { creditValue } from '../../domain/credits.js';
import { AppError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';

export type ReceiptPayment = Omit<BookingPayment, 'transferId' | 'transferAmountMinor' | 'amountReversedMinor'> &
  Partial<Pick<BookingPayment, 'transferId' | 'transferAmountMinor' | 'amountReversedMinor'>>;

export interface Receipt {
  booking: Booking;
  tutorName: string;
  capturedAt: Date | null;
  releasedAt: Date | null;
  refunds: { amountMinor: number; at: Date; reason: string | null }[];
  /**
   * Every payment of the booking, oldest first: the lesson's own, then each longer reschedule's
   * difference. The tutor's transfers (what the tutor was paid from each charge) only for admins.
   */
  payments: ReceiptPayment[];
}

/** Why unused credits of a package were refunded: an admin's pro rata refund, the expiry, a lesson's credit back after the expiry. */
export type PackageRefundReason = 'pro_rata' | 'expiry' | 'returned_after_expiry';

export interface PackageReceipt {
  pkg: LessonPackage;
  tutorName: string;
  /** When the credits were granted: the package's workflow grants them right after the charge is captured. */
  capturedAt: Date | null;
  refunds: { amountMinor: number; credits: number; at: Date; reason: PackageRefundReason }[];
  /** Credits taken by lessons and not given back. */
  creditsUsed: number;
}

/**
 * The ledger entries that gave money back, in order. An expiry or admin refund entry carries the
 * pro rata amount it refunded; a credit returned after the expiry (return +1, expire −1, same
 * booking) is refunded at one credit's value.
 */
function packageRefunds(pkg: LessonPackage, entries: readonly CreditEntry[]): PackageReceipt['refunds'] {
  return entries
    .filter((entry) => entry.kind === 'refund' || entry.kind === 'expire')
    .map((entry) => ({
      amountMinor: entry.amountMinor ?? (entry.bookingId ? creditValue(pkg.priceMinor, pkg.lessons) : 0),
      credits: -entry.credits,
      at: entry.createdAt,
      reason: entry.kind === 'refund' ? ('pro_rata' as const) : entry.bookingId ? ('returned_after_expiry' as const) : ('expiry' as const),
    }))
    .filter((refund) => refund.amountMinor > 0);
}

export class ReceiptService {
  constructor(
    private readonly bookings: BookingRepository,
    private readonly earnings: EarningsRepository,
    private readonly users: UserRepository,
    private readonly packages: Pick<PackageRepository, 'findPackage' | 'entries'>,
    private readonly payments: Pick<BookingPaymentRepository, 'forBooking'>,
  ) {}

  async packageReceipt(principal: Principal, packageId: string): Promise<PackageReceipt> {
    const pkg = await this.packages.findPackage(packageId);
    if (!pkg || (principal.role !== 'admin' && pkg.studentId !== principal.userId)) throw AppError.notFound('Package');
    const [entries, tutor] = await Promise.all([this.packages.entries(packageId), this.users.findById(pkg.tutorId)]);
    const count = (kind: CreditEntry['kind']) => entries.filter((entry) => entry.kind === kind && entry.bookingId).length;
    return {
      pkg,
      tutorName: tutor?.displayName ?? '',
      capturedAt: entries.find((entry) => entry.kind === 'purchase')?.createdAt ?? null,
      refunds: packageRefunds(pkg, entries),
      creditsUsed: count('consume') - count('return'),
    };
  }

  async receipt(principal: Principal, bookingId: string): Promise<Receipt> {
    const booking = await this.bookings.findById(bookingId);
    // The tutor has earnings, not receipts: the student's payment document is the student's.
    if (!booking || (principal.role !== 'admin' && booking.studentId !== principal.userId)) throw AppError.notFound('Booking');
    const [events, tutor, payments] = await Promise.all([this.earnings.paymentEvents(bookingId), this.users.findById(booking.tutorId), this.payments.forBooking(bookingId)]);
    return {
      booking,
      tutorName: tutor?.displayName ?? '',
      // What the tutor was paid is the tutor's and the platform's business, not the student's.
      payments: principal.role === 'admin' ? payments : payments.map(({ transferId: _t, transferAmountMinor: _a, amountReversedMinor: _r, ...paid }) => paid),
      capturedAt: events.find((event) => event.type === 'payment.captured')?.at ?? null,
      releasedAt: events.find((event) => event.type === 'payment.released')?.at ?? null,
      refunds: events
        .filter((event) => event.type === 'refund.issued')
        .map((event) => ({ amountMinor: Number(event.data.amountMinor), at: event.at, reason: typeof event.data.reason === 'string' ? event.data.reason : null })),
    };
  }
}
