import { BaseModel } from './base-model.js';

export class StudentProfile extends BaseModel {
  static override tableName = 'student_profiles';
  static override idColumn = 'user_id';

  userId!: string;
  /** IANA zone. */
  timeZone!: string;
  stripeCustomerId!: string | null;
  avatarFileId!: string | null;
  createdAt!: Date;
  updatedAt!: Date;
}
