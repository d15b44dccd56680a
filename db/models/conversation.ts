import { BaseModel } from './base-model.js';

/** The one conversation between a student and a tutor. */
export class Conversation extends BaseModel {
  static override tableName = 'conversations';

  id!: string;
  studentId!: string;
  tutorId!: string;
  /** The last message's time (or the creation time): conversations are listed by it. */
  lastActivityAt!: Date;
  createdAt!: Date;
}
