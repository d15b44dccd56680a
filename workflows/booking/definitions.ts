/**
 * Names stored in workflow histories are public API: running bookings replay against them, so they
 * are defined here once, used by the workflow, the worker and the API client alike, and never renamed.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { BookingStatus } from '../../domain/booking-status.js';

export const BOOKING_WORKFLOW_TYPE = 'bookingWorkflow';

/** One workflow per booking; the ID policy on it is what keeps a retried request from starting two. */
export const bookingWorkflowId = (bookingId: string): string => `booking-${bookingId}`;

export const SEARCH_ATTRIBUTES = {
  bookingStatus: defineSearchAttributeKey('BookingStatus', SearchAttributeType.KEYWORD),
  tutorId: defineSearchAttributeKey('TutorId', SearchAttributeType.KEYWORD),
  studentId: defineSearchAttributeKey('StudentId', SearchAttributeType.KEYWORD),
  sessionStart: defineSearchAttributeKey('SessionStart', SearchAttributeType.DATETIME),
  paymentStatus: defineSearchAttributeKey('PaymentStatus', SearchAttributeType.KEYWORD),
} as const;

export interface BookingWorkflowInput {
  bookingId: string;
  tutorId: string;
  studentId: string;
  /** ISO instants (UTC). */
  sessionStart: string;
  sessionEnd: string;
  /** When an unanswered request expires; computed once by the API from configuration. */
  requestExpiresAt: string;
}

export interface BookingSnapshot {
  bookingId: string;
  status: BookingStatus;
  sessionStart: string;
  sessionEnd: string;
  requestExpiresAt: string;
}

export interface TutorDecision {
  /** The tutor acting; must be the booking's tutor. */
  tutorId: string;
  reason?: string;
}

export const getBookingQuery = defineQuery<BookingSnapshot>('getBooking');
export const acceptUpdate = defineUpdate<BookingSnapshot, [TutorDecision]>('accept');
export const declineUpdate = defineUpdate<BookingSnapshot, [TutorDecision]>('decline');
