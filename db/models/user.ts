import type { AccountStatus } from '../../domain/account-status.js';
import type { Language } from '../../domain/notifications.js';
import { BaseModel } from './base-model.js';

export type { AccountStatus };

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
  /** The language of their emails and notifications (domain/notifications.ts LANGUAGES). */
  language!: Language;
  disabledAt!: Date | null;
  /** `disabledAt` is set exactly when it is not `active` (the admin and privacy services write both). */
  status!: AccountStatus;
  statusReason!: string | null;
  statusChangedAt!: Date | null;
  statusChangedBy!: string | null;
  deletedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}
