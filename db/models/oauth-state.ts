import { BaseModel } from './base-model.js';

/** A sign-in with an outside identity provider, between its start and its callback. */
export class OAuthState extends BaseModel {
  static override tableName = 'oauth_states';
  static override idColumn = 'state_hash';

  stateHash!: string;
  provider!: 'google';
  codeVerifier!: string;
  role!: 'student' | 'tutor';
  timeZone!: string | null;
  expiresAt!: Date;
  createdAt!: Date;
}
