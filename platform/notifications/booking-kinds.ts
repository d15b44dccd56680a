/**
 * Which kind of notification each booking email is: the booking workflow names a template and a
 * step (activities/booking/records.ts `notify`), and people choose what they hear of by kind.
 */
import type { NotificationKind } from '../../domain/notifications.js';
import type { BOOKING_TEMPLATES } from '../email/templates/booking.js';

export const BOOKING_TEMPLATE_KINDS: Record<keyof typeof BOOKING_TEMPLATES, NotificationKind> = {
  'booking-requested': 'booking.requested',
  'booking-scheduled': 'booking.accepted',
  'booking-declined': 'booking.declined',
  'booking-expired': 'booking.expired',
  'booking-cancelled': 'booking.cancelled',
  'payment-failed': 'booking.payment_failed',
  'refund-issued': 'refund.issued',
  'reschedule-proposed': 'reschedule.proposed',
  'reschedule-declined': 'reschedule.answered',
  'reschedule-payment-failed': 'reschedule.answered',
  'reschedule-expired': 'reschedule.answered',
  'booking-rescheduled': 'reschedule.answered',
  'lesson-reminder': 'lesson.reminder',
  'lesson-ended': 'lesson.ended',
  'no-show-reported': 'no_show.update',
  'no-show-contested': 'no_show.update',
  'no-show-refunded': 'no_show.update',
  'dispute-opened': 'dispute.update',
  'dispute-decided': 'dispute.update',
  'payout-account-needed': 'payout.account_needed',
  'payout-sent': 'payout.sent',
};

export function bookingKindOf(template: string): NotificationKind | undefined {
  return Object.hasOwn(BOOKING_TEMPLATE_KINDS, template) ? BOOKING_TEMPLATE_KINDS[template as keyof typeof BOOKING_TEMPLATE_KINDS] : undefined;
}
