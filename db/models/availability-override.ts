import type { OverrideKind } from '../../domain/availability/date-overrides.js';
import { BaseModel } from './base-model.js';

/** Extra hours or time off on one of the tutor's local dates. */
export class AvailabilityOverride extends BaseModel {
  static override tableName = 'availability_overrides';

  id!: string;
  tutorId!: string;
  /** YYYY-MM-DD; the repository reads it as text, never as a JavaScript Date in the server's zone. */
  localDate!: string;
  kind!: OverrideKind;
  startMinute!: number | null;
  endMinute!: number | null;
  createdAt!: Date;
}
