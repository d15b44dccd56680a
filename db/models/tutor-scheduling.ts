import { BaseModel } from './base-model.js';

/** A tutor's saved scheduling settings; a tutor without a row has the defaults (domain/availability/scheduling.ts). */
export class TutorScheduling extends BaseModel {
  static override tableName = 'tutor_scheduling';
  static override idColumn = 'tutor_id';

  tutorId!: string;
  bufferMinutes!: number;
  minimumNoticeMinutes!: number;
  bookingHorizonDays!: number;
  slotStepMinutes!: number;
  updatedAt!: Date;
}
