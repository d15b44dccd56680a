/**
 * A student's receipt for one booking: the price, what was captured and when, each refund with its
 * date, and what the lesson cost in the end. Read from the booking and its event log (the booking's
 * workflow writes both); for its student and admins only.
 */
import type { Booking } from '../../db/models/booking.js';
import type { BookingRepository } from '../../db/repositories/booking-repository.js';
import type { EarningsRepository } from '../../db/repositories/earnings-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import { AppError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';

export interface Receipt {
  booking: Booking;
  tutorName: string;
  capturedAt: Date | null;
  releasedAt: Date | null;
  refunds: { amountMinor: number; at: Date; reason: string | null }[];
}

export class ReceiptService {
  constructor(
    private readonly bookings: BookingRepository,
    private readonly earnings: EarningsRepository,
    private readonly users: UserRepository,
  ) {}

  async receipt(principal: Principal, bookingId: string): Promise<Receipt> {
    const booking = await this.bookings.findById(bookingId);
    // The tutor has earnings, not receipts: the student's payment document is the student's.
    if (!booking || (principal.role !== 'admin' && booking.studentId !== principal.userId)) throw AppError.notFound('Booking');
    const [events, tutor] = await Promise.all([this.earnings.paymentEvents(bookingId), this.users.findById(booking.tutorId)]);
    return {
      booking,
      tutorName: tutor?.displayName ?? '',
      capturedAt: events.find((event) => event.type === 'payment.captured')?.at ?? null,
      releasedAt: events.find((event) => event.type === 'payment.released')?.at ?? null,
      refunds: events
        .filter((event) => event.type === 'refund.issued')
        .map((event) => ({ amountMinor: Number(event.data.amountMinor), at: event.at, reason: typeof event.data.reason === 'string' ? event.data.reason : null })),
    };
  }
}
