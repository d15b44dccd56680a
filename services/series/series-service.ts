/**
 * Weekly lesson series, for the API. Creating one checks what a booking of its first week would
 * (the tutor, the length, the time, the student's own saved card), writes the series and its weeks
 * once and starts its workflow, which books each week a few days ahead. Everything after that —
 * skipping a week, cancelling the rest — is an update to that workflow, the series' single writer.
 */
import { createHash } from 'node:crypto';
import type { LessonSeries, SeriesRepository, SeriesWeek } from '../../db/repositories/series-repository.js';
import type { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import { isSlotBookable } from '../../domain/availability/slots.js';
import type { Config } from '../../domain/config.js';
import { AppError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { weeklyStarts } from '../../domain/series.js';
import type { SeriesWorkflowClient } from '../../workflows/series/client.js';
import { cancelSeriesUpdate, type SeriesActor, skipWeekUpdate } from '../../workflows/series/definitions.js';
import { bookingIdFor, type ScheduleSource } from '../bookings/booking-service.js';

export interface SeriesRequest {
  tutorId: string;
  /** The first lesson's start; the others follow weekly at the same wall time in the tutor's zone. */
  start: string;
  lengthMinutes: number;
  weeks: number;
  paymentMethodId: string;
}

export interface SeriesView {
  series: LessonSeries;
  weeks: SeriesWeek[];
}

export interface SeriesServiceDependencies {
  config: Pick<Config, 'series'>;
  workflows: SeriesWorkflowClient;
  series: SeriesRepository;
  tutors: TutorProfileRepository;
  users: UserRepository;
  schedules: ScheduleSource;
  paymentMethods: { assertOwnedBy(studentId: string, paymentMethodId: string): Promise<void> };
}

function requestHashOf(request: SeriesRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([request.tutorId, new Date(request.start).toISOString(), request.lengthMinutes, request.weeks, request.paymentMethodId]))
    .digest('hex');
}

export class SeriesService {
  constructor(private readonly deps: SeriesServiceDependencies) {}

  /** Books a weekly series; the same Idempotency-Key answers the same series (another body: 422). */
  async create(principal: Principal, request: SeriesRequest, idempotencyKey: string): Promise<{ created: boolean; view: SeriesView }> {
    if (principal.role !== 'student') throw AppError.forbidden('Only students book lessons');
    const seriesId = bookingIdFor(principal.userId, `series\u0000${idempotencyKey}`);
    const requestHash = requestHashOf(request);
    const existing = await this.deps.series.findById(seriesId);
    if (existing) {
      if (existing.requestHash !== requestHash) throw new AppError('unprocessable', 'This Idempotency-Key was already used for a different series');
      // The first try may have stopped between the write and the start: starting again joins (or is refused as done).
      const view = await this.view(existing);
      await this.start(view);
      return { created: false, view };
    }
    if (request.weeks > this.deps.config.series.maxWeeks) {
      throw AppError.invalidInput(`A series has at most ${this.deps.config.series.maxWeeks} weeks`, [{ path: 'body.weeks', message: `at most ${this.deps.config.series.maxWeeks}` }]);
    }
    await this.deps.paymentMethods.assertOwnedBy(principal.userId, request.paymentMethodId);

    const startMs = Date.parse(request.start);
    const [tutor, profile, student, schedule] = await Promise.all([
      this.deps.users.findById(request.tutorId),
      this.deps.tutors.findByUserId(request.tutorId),
      this.deps.users.findById(principal.userId),
      this.deps.schedules.scheduleAround(request.tutorId, startMs),
    ]);
    if (!tutor || tutor.role !== 'tutor' || !profile?.published || !schedule) throw AppError.notFound('Tutor');
    // The first week is checked as a booking would be; later weeks are checked when they are booked.
    const verdict = isSlotBookable(schedule, startMs, request.lengthMinutes, Date.now());
    if (!verdict.bookable) {
      if (verdict.reason === 'conflict') throw new AppError('conflict', 'The tutor is already booked at the first lesson’s time', { extensions: { conflict: 'tutor_busy' } });
      throw new AppError('unprocessable', `The first lesson cannot be booked: ${verdict.reason.replaceAll('_', ' ')}`, { extensions: { rule: verdict.reason } });
    }

    const lengthMs = request.lengthMinutes * 60_000;
    const starts = weeklyStarts(startMs, request.weeks, profile.timeZone);
    const weeks = starts.map((start) => ({ sessionStart: new Date(start), sessionEnd: new Date(start + lengthMs) }));
    // A concurrent request with the same key may insert first: then this one joins it (200).
    const created = await this.deps.series.insert(
      { id: seriesId, studentId: principal.userId, tutorId: tutor.id, lengthMinutes: request.lengthMinutes, weeks: request.weeks, paymentMethodId: request.paymentMethodId, timeZone: profile.timeZone, requestHash },
      weeks,
    );
    const view = await this.view((await this.deps.series.findById(seriesId))!);
    await this.start(view, { student: student?.displayName ?? principal.userId, tutor: tutor.displayName });
    return { created, view };
  }

  private start({ series, weeks }: SeriesView, names = { student: series.studentId, tutor: series.tutorId }): Promise<void> {
    return this.deps.workflows.start(
      {
        seriesId: series.id,
        studentId: series.studentId,
        tutorId: series.tutorId,
        lengthMinutes: series.lengthMinutes,
        paymentMethodId: series.paymentMethodId,
        timeZone: series.timeZone,
        weeks: weeks.map((week) => ({ week: week.week, sessionStart: week.sessionStart.toISOString(), sessionEnd: week.sessionEnd.toISOString(), status: week.status })),
        timings: { leadMs: this.deps.config.series.bookingLeadMs, historyLimit: this.deps.config.series.historyLimit },
      },
      names,
    );
  }

  /** A series its student, its tutor and admins may see; anyone else is told it does not exist. */
  async get(principal: Principal, seriesId: string): Promise<SeriesView> {
    return this.view(await this.visible(principal, seriesId));
  }

  async list(principal: Principal, limit: number): Promise<LessonSeries[]> {
    if (principal.role === 'admin') throw AppError.forbidden('Admins find a series through its bookings');
    return this.deps.series.listFor(principal.userId, principal.role, limit);
  }

  /** The student skips one future week (a booked one is cancelled by the booking's rules). */
  async skip(principal: Principal, seriesId: string, week: number): Promise<SeriesView | undefined> {
    const series = await this.visible(principal, seriesId);
    if (principal.userId !== series.studentId) throw AppError.forbidden('Only the student skips a week of their series');
    return this.answer(series, await this.deps.workflows.update(seriesId, skipWeekUpdate, { actorId: principal.userId, week }));
  }

  /** Either party or an admin cancels every future week; booked lessons are cancelled by the booking's rules. */
  async cancel(principal: Principal, seriesId: string, reason: string): Promise<SeriesView | undefined> {
    const series = await this.visible(principal, seriesId);
    const actor: SeriesActor = principal.role;
    return this.answer(series, await this.deps.workflows.update(seriesId, cancelSeriesUpdate, { actor, actorId: principal.userId, reason }));
  }

  private async visible(principal: Principal, seriesId: string): Promise<LessonSeries> {
    const series = await this.deps.series.findById(seriesId);
    const party = series && (principal.role === 'admin' || series.studentId === principal.userId || series.tutorId === principal.userId);
    if (!party) throw AppError.notFound('Series');
    return series;
  }

  /** The read model after an update the workflow applied; undefined when it is still applying it (202). */
  private async answer(series: LessonSeries, applied: unknown): Promise<SeriesView | undefined> {
    return applied === undefined ? undefined : this.view((await this.deps.series.findById(series.id)) ?? series);
  }

  private async view(series: LessonSeries): Promise<SeriesView> {
    return { series, weeks: await this.deps.series.weeks(series.id) };
  }
}
