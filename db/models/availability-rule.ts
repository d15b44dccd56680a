import { BaseModel } from './base-model.js';

/** One span of a tutor's regular week, in the tutor's local wall time (see migration 0200). */
export class AvailabilityRule extends BaseModel {
  static override tableName = 'availability_rules';

  id!: string;
  tutorId!: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday!: number;
  startMinute!: number;
  endMinute!: number;
}
