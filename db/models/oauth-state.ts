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
  /** SHA-256 of the cookie set on the browser that started the sign-in; the callback must bring it. */
  browserBindingHash!: string;
  /** Where the callback puts the refresh token: the JSON body (apps) or an HttpOnly cookie (browsers). */
  tokenTransport!: 'body' | 'cookie';
  expiresAt!: Date;
  createdAt!: Date;
}
