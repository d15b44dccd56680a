import type { Knex } from 'knex';

/**
 * Sign-in hardening.
 * - A Google sign-in is bound to the browser that started it: /start sets a short-lived HttpOnly
 *   cookie whose SHA-256 is kept with the state, and the callback refuses a state arriving without
 *   it (login CSRF: an attacker's own consent replayed in a victim's browser). Sign-ins in progress
 *   at the deploy have no binding; they are dropped (they last minutes; the person starts again).
 * - The state remembers whether the browser asked for its refresh token in a cookie.
 * - Sessions can be ended by a password change and one by one by their owner.
 * - Expired sessions and states are swept by age (the clean-up schedule).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('delete from oauth_states');
  await knex.raw(`
    alter table oauth_states
      add column browser_binding_hash text not null check (browser_binding_hash ~ '^[0-9a-f]{64}$'),
      add column token_transport text not null default 'body' check (token_transport in ('body', 'cookie'))
  `);
  await knex.raw('alter table auth_sessions drop constraint auth_sessions_revoked_reason_check');
  await knex.raw(`
    alter table auth_sessions add constraint auth_sessions_revoked_reason_check
      check (revoked_reason in ('logout', 'refresh_token_reuse', 'password_reset', 'account_disabled', 'password_change', 'revoked_by_user'))
  `);
  await knex.raw('create index auth_sessions_expires_idx on auth_sessions (expires_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists auth_sessions_expires_idx');
  await knex.raw(`update auth_sessions set revoked_reason = 'logout' where revoked_reason in ('password_change', 'revoked_by_user')`);
  await knex.raw('alter table auth_sessions drop constraint auth_sessions_revoked_reason_check');
  await knex.raw(`
    alter table auth_sessions add constraint auth_sessions_revoked_reason_check
      check (revoked_reason in ('logout', 'refresh_token_reuse', 'password_reset', 'account_disabled'))
  `);
  await knex.raw('alter table oauth_states drop column token_transport, drop column browser_binding_hash');
}
