/**
 * A tutor's own availability: the weekly rules (replaced as a whole week), date overrides, and
 * scheduling settings. Every write runs in one transaction that first locks the tutor's profile, so
 * concurrent edits of one tutor apply one after the other, and announces the change on Redis once
 * it has committed.
 */
import type { Knex } from 'knex';
import type { Principal } from '../../domain/principal.js';
import type { AvailabilityOverride } from '../../db/models/availability-override.js';
import type { AvailabilityRepository } from '../../db/repositories/availability-repository.js';
import { type DateOverride, overrideProblem } from '../../domain/availability/date-overrides.js';
import { addDays, dateOfWallEpoch, type LocalDate } from '../../domain/availability/local-date.js';
import type { SchedulingSettings } from '../../domain/availability/scheduling.js';
import { findRuleProblems, type WeeklyRule } from '../../domain/availability/weekly-rules.js';
import { AppError } from '../../domain/errors.js';
import type { AvailabilityEvents } from './availability-events.js';
import { settingsOf } from './schedule-loader.js';
import { noProfile, requireTutor } from './tutor-access.js';

export interface WeekView {
  /** The zone the rules are read in; null until the tutor has a profile. */
  timeZone: string | null;
  rules: WeeklyRule[];
}

export interface NewWeek {
  /** When given, the profile's zone changes together with the rules. Already validated as an IANA zone. */
  timeZone?: string;
  rules: WeeklyRule[];
}

export class AvailabilityService {
  constructor(
    private readonly db: Knex,
    private readonly availability: AvailabilityRepository,
    private readonly events: AvailabilityEvents,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async getWeek(principal: Principal): Promise<WeekView> {
    requireTutor(principal);
    const [facts, rules] = await Promise.all([
      this.availability.schedulingFacts([principal.userId]),
      this.availability.rulesFor([principal.userId]),
    ]);
    return { timeZone: facts[0]?.timeZone ?? null, rules: rules.map(toRule) };
  }

  async replaceWeek(principal: Principal, week: NewWeek): Promise<WeekView> {
    requireTutor(principal);
    const problems = findRuleProblems(week.rules);
    if (problems.length > 0) {
      throw AppError.invalidInput(
        'Some rules are not usable; see "errors" for each one',
        problems.map((problem) => ({ path: `body.rules.${problem.index}`, message: problem.message })),
      );
    }
    const rules = [...week.rules].sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute);
    await this.db.transaction(async (trx) => {
      if (!(await this.availability.lockTutor(principal.userId, trx))) throw noProfile();
      if (week.timeZone !== undefined) await this.availability.setTimeZone(principal.userId, week.timeZone, trx);
      await this.availability.replaceRules(principal.userId, rules, trx);
    });
    await this.events.changed(principal.userId, 'rules');
    return this.getWeek(principal);
  }

  /** Overrides from `from` (default: yesterday in UTC, so no zone's today is missed) to `to` (default: no end). */
  async listOverrides(principal: Principal, range: { from?: LocalDate; to?: LocalDate }): Promise<AvailabilityOverride[]> {
    requireTutor(principal);
    const from = range.from ?? addDays(dateOfWallEpoch(this.now().getTime()), -1);
    if (range.to !== undefined && range.to < from) {
      throw AppError.invalidInput('The range ends before it starts', [{ path: 'query.to', message: 'must not be before from' }]);
    }
    return this.availability.overridesFor([principal.userId], from, range.to ?? null);
  }

  async addOverride(principal: Principal, override: DateOverride): Promise<AvailabilityOverride> {
    requireTutor(principal);
    const problem = overrideProblem(override);
    if (problem) throw AppError.invalidInput('The override is not usable', [{ path: 'body', message: problem }]);
    const saved = await this.db.transaction(async (trx) => {
      if (!(await this.availability.lockTutor(principal.userId, trx))) throw noProfile();
      return this.availability.insertOverride(principal.userId, override, trx);
    });
    await this.events.changed(principal.userId, 'overrides');
    return saved;
  }

  /** Someone else's override, or one that does not exist, is the same 404. */
  async removeOverride(principal: Principal, overrideId: string): Promise<void> {
    requireTutor(principal);
    if (!(await this.availability.deleteOverride(principal.userId, overrideId))) throw AppError.notFound('The override');
    await this.events.changed(principal.userId, 'overrides');
  }

  /** The saved settings, or the defaults for a tutor who has saved none. */
  async getSettings(principal: Principal): Promise<SchedulingSettings> {
    requireTutor(principal);
    const [row] = await this.availability.settingsFor([principal.userId]);
    return settingsOf(row);
  }

  async saveSettings(principal: Principal, settings: SchedulingSettings): Promise<SchedulingSettings> {
    requireTutor(principal);
    const saved = await this.db.transaction(async (trx) => {
      if (!(await this.availability.lockTutor(principal.userId, trx))) throw noProfile();
      return this.availability.saveSettings(principal.userId, settings, trx);
    });
    await this.events.changed(principal.userId, 'settings');
    return settingsOf(saved);
  }
}

function toRule(row: WeeklyRule): WeeklyRule {
  return { weekday: row.weekday, startMinute: row.startMinute, endMinute: row.endMinute };
}
