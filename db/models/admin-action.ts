import { BaseModel } from './base-model.js';

/** What an admin did to a user or a review, and why: a line of the audit log beside the admin booking events. */
export class AdminAction extends BaseModel {
  static override tableName = 'admin_actions';

  id!: string;
  adminId!: string | null;
  userId!: string | null;
  reviewId!: string | null;
  type!: string;
  reason!: string;
  data!: Record<string, unknown>;
  idempotencyKey!: string | null;
  requestHash!: string | null;
  at!: Date;
}
