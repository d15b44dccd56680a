import { BaseModel } from './base-model.js';

/** When a user was last connected to a realtime server. */
export class UserPresence extends BaseModel {
  static override tableName = 'user_presence';
  static override idColumn = 'user_id';

  userId!: string;
  lastSeenAt!: Date;
}
