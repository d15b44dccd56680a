import { BaseModel } from './base-model.js';

/** A user's connected Google Calendar (see migration 0350). */
export class GoogleCalendarLink extends BaseModel {
  static override tableName = 'google_calendar_links';
  static override idColumn = 'user_id';

  userId!: string;
  /** Sealed by platform/crypto/secret-box.ts; open it only to call Google. */
  refreshTokenEncrypted!: string;
  calendarId!: string;
  connectedAt!: Date;
  updatedAt!: Date;
}
