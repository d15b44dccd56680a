import type { Knex } from 'knex';
import type { DateOverride } from '../../domain/availability/date-overrides.js';
import type { LocalDate } from '../../domain/availability/local-date.js';
import type { SchedulingSettings } from '../../domain/availability/scheduling.js';
import type { WeeklyRule } from '../../domain/availability/weekly-rules.js';
import { AvailabilityOverride } from '../models/availability-override.js';
import { AvailabilityRule } from '../models/availability-rule.js';
import { TutorScheduling } from '../models/tutor-scheduling.js';

/** The profile facts slot computation needs, read from tutor_profiles. */
export interface TutorSchedulingFacts {
  tutorId: string;
  timeZone: string;
  lessonLengths: number[];
  published: boolean;
  /** False when the tutor's account is disabled. */
  active: boolean;
}

const OVERRIDE_COLUMNS = ['id', 'tutor_id', 'kind', 'start_minute', 'end_minute', 'created_at'];

/** Every query on a tutor's weekly rules, date overrides and scheduling settings. */
export class AvailabilityRepository {
  constructor(private readonly db: Knex) {}

  async schedulingFacts(tutorIds: readonly string[], trx?: Knex.Transaction): Promise<TutorSchedulingFacts[]> {
    if (tutorIds.length === 0) return [];
    const db = trx ?? this.db;
    const rows = await db('tutor_profiles as tp')
      .join('users as u', 'u.id', 'tp.user_id')
      .select('tp.user_id', 'tp.time_zone', 'tp.lesson_lengths', 'tp.published', db.raw('u.disabled_at is null as active'))
      .whereIn('tp.user_id', tutorIds);
    return rows.map((row) => ({
      tutorId: row.user_id,
      timeZone: row.time_zone,
      lessonLengths: row.lesson_lengths,
      published: row.published,
      active: row.active,
    }));
  }

  /**
   * Locks the tutor's profile row for the rest of the transaction, so two concurrent edits of one
   * tutor's availability run one after the other. Returns false when the tutor has no profile.
   */
  async lockTutor(tutorId: string, trx: Knex.Transaction): Promise<boolean> {
    const row = await trx('tutor_profiles').select('user_id').where('user_id', tutorId).forNoKeyUpdate().first();
    return row !== undefined;
  }

  /** The zone the tutor's rules are read in lives on the profile; it changes together with the rules. */
  async setTimeZone(tutorId: string, timeZone: string, trx: Knex.Transaction): Promise<void> {
    await trx('tutor_profiles').where('user_id', tutorId).update({ time_zone: timeZone, updated_at: trx.fn.now() });
  }

  async rulesFor(tutorIds: readonly string[], trx?: Knex.Transaction): Promise<AvailabilityRule[]> {
    if (tutorIds.length === 0) return [];
    return AvailabilityRule.query(trx ?? this.db).whereIn('tutor_id', tutorIds).orderBy(['tutor_id', 'weekday', 'start_minute']);
  }

  /** The whole week at once: the tutor's rules become exactly `rules`. */
  async replaceRules(tutorId: string, rules: readonly WeeklyRule[], trx: Knex.Transaction): Promise<void> {
    await AvailabilityRule.query(trx).delete().where('tutor_id', tutorId);
    if (rules.length === 0) return;
    await trx('availability_rules').insert(
      rules.map((rule) => ({ tutor_id: tutorId, weekday: rule.weekday, start_minute: rule.startMinute, end_minute: rule.endMinute })),
    );
  }

  /** Overrides on local dates from `from` to `to` (both included; `to` null: no end). */
  async overridesFor(tutorIds: readonly string[], from: LocalDate, to: LocalDate | null, trx?: Knex.Transaction): Promise<AvailabilityOverride[]> {
    if (tutorIds.length === 0) return [];
    const query = AvailabilityOverride.query(trx ?? this.db)
      .select([...OVERRIDE_COLUMNS, (trx ?? this.db).raw(`to_char(local_date, 'YYYY-MM-DD') as local_date`)])
      .whereIn('tutor_id', tutorIds)
      .where('local_date', '>=', from)
      .orderBy(['tutor_id', 'local_date', 'start_minute', 'id']);
    if (to !== null) query.where('local_date', '<=', to);
    return query;
  }

  async insertOverride(tutorId: string, override: DateOverride, trx?: Knex.Transaction): Promise<AvailabilityOverride> {
    const db = trx ?? this.db;
    const [row] = await db('availability_overrides')
      .insert({
        tutor_id: tutorId,
        local_date: override.date,
        kind: override.kind,
        start_minute: override.startMinute,
        end_minute: override.endMinute,
      })
      .returning([...OVERRIDE_COLUMNS, db.raw(`to_char(local_date, 'YYYY-MM-DD') as local_date`)]);
    return AvailabilityOverride.fromDatabaseJson(row);
  }

  /** Deletes the override only when it is the tutor's own; true when one was deleted. */
  async deleteOverride(tutorId: string, overrideId: string, trx?: Knex.Transaction): Promise<boolean> {
    const deleted = await AvailabilityOverride.query(trx ?? this.db).delete().where({ id: overrideId, tutor_id: tutorId });
    return deleted > 0;
  }

  async settingsFor(tutorIds: readonly string[], trx?: Knex.Transaction): Promise<TutorScheduling[]> {
    if (tutorIds.length === 0) return [];
    return TutorScheduling.query(trx ?? this.db).whereIn('tutor_id', tutorIds);
  }

  async saveSettings(tutorId: string, settings: SchedulingSettings, trx?: Knex.Transaction): Promise<TutorScheduling> {
    const db = trx ?? this.db;
    const columns = {
      buffer_minutes: settings.bufferMinutes,
      minimum_notice_minutes: settings.minimumNoticeMinutes,
      booking_horizon_days: settings.bookingHorizonDays,
      slot_step_minutes: settings.slotStepMinutes,
    };
    const [row] = await db('tutor_scheduling')
      .insert({ tutor_id: tutorId, ...columns })
      .onConflict('tutor_id')
      .merge({ ...columns, updated_at: db.fn.now() })
      .returning('*');
    return TutorScheduling.fromDatabaseJson(row);
  }
}
