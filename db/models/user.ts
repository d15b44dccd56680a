import { BaseModel } from './base-model.js';

export const ROLES = ['student', 'tutor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export class User extends BaseModel {
  static override tableName = 'users';

  id!: string;
  email!: string;
  emailVerifiedAt!: Date | null;
  passwordHash!: string | null;
  googleSub!: string | null;
  role!: Role;
  displayName!: string;
  timeZone!: string;
  disabledAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}
