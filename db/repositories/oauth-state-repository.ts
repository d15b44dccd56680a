import type { Knex } from 'knex';
import { OAuthState } from '../models/oauth-state.js';

export interface NewOAuthState {
  stateHash: string;
  provider: OAuthState['provider'];
  codeVerifier: string;
  role: OAuthState['role'];
  timeZone: string | null;
  browserBindingHash: string;
  tokenTransport: OAuthState['tokenTransport'];
  expiresAt: Date;
}

/** Every query on sign-ins in progress with an outside identity provider. */
export class OAuthStateRepository {
  constructor(private readonly db: Knex) {}

  async insert(state: NewOAuthState, trx?: Knex.Transaction): Promise<void> {
    await OAuthState.query(trx ?? this.db).insert(state);
  }

  /** Deletes and returns the state if it is still valid: a state can be taken once. */
  async take(stateHash: string, provider: OAuthState['provider'], now: Date, trx?: Knex.Transaction): Promise<OAuthState | undefined> {
    const rows = await OAuthState.query(trx ?? this.db).delete().where({ state_hash: stateHash, provider }).returning('*');
    const state = (rows as unknown as OAuthState[])[0];
    return state && state.expiresAt > now ? state : undefined;
  }

  async deleteExpired(now: Date, trx?: Knex.Transaction): Promise<number> {
    return OAuthState.query(trx ?? this.db).delete().where('expires_at', '<=', now);
  }
}
