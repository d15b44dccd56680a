import { BaseModel } from './base-model.js';
import type { BookingStatus } from '../../domain/booking-status.js';
import type { PaidWith } from '../../domain/booking-terms.js';
import type { PaymentStatus } from '../../domain/payment-status.js';

export class Booking extends BaseModel {
  static override tableName = 'bookings';

  id!: string;
  studentId!: string;
  tutorId!: string;
  status!: BookingStatus;
  sessionStart!: Date;
  sessionEnd!: Date;
  blockedUntil!: Date;
  timeZone!: string;
  priceMinor!: number;
  currency!: string;
  commissionBps!: number;
  cancellationPolicy!: string;
  instant!: boolean;
  requestExpiresAt!: Date;
  idempotencyKey!: string;
  requestHash!: string;
  paidWith!: PaidWith;
  /** The package whose credit pays (paidWith credit). */
  packageId!: string | null;
  paymentStatus!: PaymentStatus;
  paymentIntentId!: string | null;
  chargeId!: string | null;
  transferId!: string | null;
  capturedMinor!: number;
  refundedMinor!: number;
  paidOutMinor!: number;
  meetingId!: string | null;
  meetingJoinUrl!: string | null;
  cancelledBy!: string | null;
  closeReason!: string | null;
  /** Why the booking waits for an admin (failure policy); null when nothing does. */
  attentionReason!: string | null;
  attentionSince!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export class BookingEvent extends BaseModel {
  static override tableName = 'booking_events';

  id!: string;
  bookingId!: string;
  type!: string;
  at!: Date;
  actor!: 'student' | 'tutor' | 'admin' | 'system';
  actorId!: string | null;
  dedupeKey!: string;
  data!: Record<string, unknown>;
  createdAt!: Date;
}
