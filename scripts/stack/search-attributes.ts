/**
 * Custom search attributes that booking workflows set. The dev server registers them at start-up;
 * other code (workers, tests against a real cluster) can register the same list from here so the
 * names and types never drift apart.
 */
export const BOOKING_SEARCH_ATTRIBUTES = {
  BookingStatus: 'Keyword',
  TutorId: 'Keyword',
  StudentId: 'Keyword',
  SessionStart: 'Datetime',
  PaymentStatus: 'Keyword',
} as const;

export type BookingSearchAttributeName = keyof typeof BOOKING_SEARCH_ATTRIBUTES;
