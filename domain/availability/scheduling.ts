/**
 * A tutor's scheduling settings, with the defaults that apply until they save their own and the
 * bounds the API and the database both enforce.
 */
export interface SchedulingSettings {
  /** Rest after every lesson before the next may start. */
  bufferMinutes: number;
  /** How long before its start a lesson may still be booked. */
  minimumNoticeMinutes: number;
  /** How far ahead of now a lesson may start. */
  bookingHorizonDays: number;
  /** Bookable start times are this far apart, counted from the start of each available span. */
  slotStepMinutes: number;
}

export const DEFAULT_SCHEDULING: Readonly<SchedulingSettings> = Object.freeze({
  bufferMinutes: 0,
  minimumNoticeMinutes: 720,
  bookingHorizonDays: 60,
  slotStepMinutes: 30,
});

export const SCHEDULING_LIMITS = {
  bufferMinutes: { min: 0, max: 240 },
  minimumNoticeMinutes: { min: 0, max: 43_200 },
  bookingHorizonDays: { min: 1, max: 365 },
} as const;

export const SLOT_STEPS = [5, 10, 15, 20, 30, 60] as const;
