/** The activities the series workflow calls: types only (the workflow never imports their code). */
import type { TakenReason } from '../../domain/series.js';
import type { SeriesActor, SeriesWeek } from '../../workflows/series/definitions.js';

export interface BookWeekInput {
  seriesId: string;
  studentId: string;
  tutorId: string;
  week: number;
  sessionStart: string;
  lengthMinutes: number;
  paymentMethodId: string;
}

/** Booked: the week's booking exists (its own workflow carries it on). Taken: why it could not be. */
export type BookWeekResult = { kind: 'booked'; bookingId: string } | { kind: 'taken'; reason: TakenReason; detail: string };

export interface CancelWeekInput {
  bookingId: string;
  actor: SeriesActor;
  actorId: string;
  reason: string;
}

/** Cancelled (or already over before it began): the week no longer holds a lesson. Refused: the lesson is under way or done. */
export type CancelWeekResult = { cancelled: true } | { cancelled: false; detail: string };

export interface SeriesActivities {
  bookSeriesWeek(input: BookWeekInput): Promise<BookWeekResult>;
  cancelSeriesWeek(input: CancelWeekInput): Promise<CancelWeekResult>;
  recordSeriesWeek(input: { seriesId: string } & SeriesWeek): Promise<void>;
  recordSeriesStatus(input: { seriesId: string; status: 'completed' | 'cancelled'; reason?: string }): Promise<void>;
  notifySeriesWeekTaken(input: { seriesId: string; studentId: string; week: number; sessionStart: string; reason: TakenReason; detail: string }): Promise<void>;
}
