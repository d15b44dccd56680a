/**
 * Names stored in series workflow histories are public API (running series replay against them):
 * defined here once, used by the workflow, the worker and the API alike, never renamed.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { SeriesStatus, SeriesWeekStatus, TakenReason } from '../../domain/series.js';

export const SERIES_WORKFLOW_TYPE = 'lessonSeriesWorkflow';

/** One workflow per series; its ID policy keeps a retried request from starting a second one. */
export const seriesWorkflowId = (seriesId: string): string => `series-${seriesId}`;

/** The Idempotency-Key of a week's booking: the same week always names the same booking. */
export const occurrenceKey = (seriesId: string, week: number): string => `series:${seriesId}:week:${week}`;

export interface SeriesTimings {
  /** A week is booked (its card authorized) this long before its lesson; bounded by Stripe's window (domain/series.ts). */
  leadMs: number;
  /** Past this many history events the workflow continues as new, carrying its state (bounded history). */
  historyLimit: number;
}

export interface SeriesWeek {
  week: number;
  sessionStart: string;
  sessionEnd: string;
  status: SeriesWeekStatus;
  bookingId?: string;
  reason?: TakenReason;
  detail?: string;
}

export interface SeriesWorkflowInput {
  seriesId: string;
  studentId: string;
  tutorId: string;
  lengthMinutes: number;
  paymentMethodId: string;
  /** The tutor's zone (the weeks keep its wall time) and the student's, for the emails. */
  timeZone: string;
  weeks: SeriesWeek[];
  timings: SeriesTimings;
  /** Set when a run continued as new: the cancellation it was carrying out. */
  cancelled?: { actor: SeriesActor; actorId: string; reason: string };
}

export type SeriesActor = 'student' | 'tutor' | 'admin';

export interface SeriesSnapshot {
  seriesId: string;
  status: SeriesStatus;
  weeks: SeriesWeek[];
}

export interface SkipWeek {
  actorId: string;
  week: number;
}

export interface CancelSeries {
  actor: SeriesActor;
  actorId: string;
  reason: string;
}

export const getSeriesQuery = defineQuery<SeriesSnapshot>('getSeries');
/** Skip one future week: not booked yet, it is never booked; booked, its lesson is cancelled by the normal rules. */
export const skipWeekUpdate = defineUpdate<SeriesSnapshot, [SkipWeek]>('skipWeek');
/** Cancel every future week; each lesson already booked is cancelled by the normal rules. */
export const cancelSeriesUpdate = defineUpdate<SeriesSnapshot, [CancelSeries]>('cancelSeries');

/** ApplicationFailure types an update can be refused with; the API maps each to an HTTP status. */
export const SERIES_REFUSALS = {
  invalidState: 'SeriesInvalidState', // 409
  noSuchWeek: 'SeriesNoSuchWeek', // 422
} as const;

export const SERIES_ACTIVITY_TIMEOUTS = {
  /** Booking a week waits for the booking's own workflow to answer (its update deadline, plus margin). */
  bookWeekMs: 2 * 60_000,
} as const;
