/**
 * A student's report of a problem with a lesson (a dispute on the platform, not a card chargeback):
 * possible within the payout hold, it freezes the tutor's payout until an admin decides how much of
 * what remains goes back to the student (none: the tutor is paid; all: nothing is paid out; or a
 * part, and the tutor is paid on the rest).
 */
export const DISPUTE_REASONS = ['lesson_did_not_happen_as_booked', 'poor_quality', 'technical_problems', 'tutor_late_or_left_early', 'other'] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

export const DISPUTE_TEXT_MAX = 4_000;

/** A dispute as the booking's workflow records it in the read model (the activity's input, the repository's write). */
export interface DisputeRecord {
  bookingId: string;
  studentId: string;
  tutorId: string;
  reason: string;
  text: string;
  attachmentFileId?: string;
  /** When the student reported it (workflow time). */
  at: string;
  decision?: { refundMinor: number; adminId: string; reason: string; at: string };
}
