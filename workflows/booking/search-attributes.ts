/**
 * The custom search attributes a booking workflow sets, by name and Temporal type: the one list that
 * the workflow's keys (definitions.ts), the local stack (scripts/stack), docker-compose and the
 * deployment manifests register from. Plain data, so scripts and tests can read it without Temporal.
 * A name here is public: saved views in the Temporal UI and ops queries use it.
 */
export const BOOKING_SEARCH_ATTRIBUTES = {
  BookingStatus: 'Keyword',
  TutorId: 'Keyword',
  StudentId: 'Keyword',
  SessionStart: 'Datetime',
  PaymentStatus: 'Keyword',
  /** Why the booking waits for a person (the failure policy's attention state); unset otherwise. */
  Attention: 'Keyword',
} as const;

export type BookingSearchAttributeName = keyof typeof BOOKING_SEARCH_ATTRIBUTES;
