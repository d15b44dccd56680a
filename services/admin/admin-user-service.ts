/**
 * The admin console's users: search and page them, read one with the bookings still open, and
 * suspend, ban or reinstate an account with a reason. Changing an account's status revokes every
 * sign-in session (and so every refresh-token family) in the same transaction, then announces the
 * revocations, so the account's access tokens stop on their next use and its WebSockets close
 * (4003) on every realtime instance. Each change is a line of the audit log and an email to the
 * person with the reason; the admin's Idempotency-Key makes a retried click the same change.
 *
 * A suspended or banned tutor's bookings are left to run their course, visible to admins: requests
 * the tutor can no longer answer expire (the card hold is released), and a scheduled lesson stays
 * until an admin cancels it (`POST /api/admin/bookings/{id}/cancel`, a full refund by default).
 * `openBookings` on the user says how many are live and how many ended lessons still wait for their
 * money to settle.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { AccountStatus, Role, User } from '../../db/models/user.js';
import { AdminActionRepository, type AuditEntry } from '../../db/repositories/admin-action-repository.js';
import { AdminUserRepository, type OpenBookingCounts } from '../../db/repositories/admin-user-repository.js';
import { AppError } from '../../domain/errors.js';
import { type Principal, requireAdmin } from '../../domain/principal.js';
import type { EmailSender } from '../../platform/email/email-sender.js';
import type { SessionStore } from '../auth/session-store.js';

export type StatusAction = 'suspend' | 'ban' | 'unsuspend';

const OUTCOME: Record<StatusAction, { status: AccountStatus; from: readonly AccountStatus[]; type: string }> = {
  suspend: { status: 'suspended', from: ['active'], type: 'user.suspended' },
  ban: { status: 'banned', from: ['active', 'suspended'], type: 'user.banned' },
  unsuspend: { status: 'active', from: ['suspended', 'banned'], type: 'user.unsuspended' },
};

export interface AdminUserView {
  user: User;
  openBookings: OpenBookingCounts;
}

export interface UserListQuery {
  q?: string;
  role?: Role;
  status?: AccountStatus;
  limit: number;
  before?: { at: Date; id: string };
}

export interface AdminUserServiceDependencies {
  db: Knex;
  users: AdminUserRepository;
  actions: AdminActionRepository;
  sessions: Pick<SessionStore, 'revokeAllForUser' | 'announce'>;
  emails: Pick<EmailSender, 'enqueue' | 'deliverSoon'>;
}

export class AdminUserService {
  constructor(private readonly deps: AdminUserServiceDependencies) {}

  private get users() {
    return this.deps.users;
  }

  private get actions() {
    return this.deps.actions;
  }

  async list(principal: Principal, query: UserListQuery): Promise<AdminUserView[]> {
    requireAdmin(principal);
    const users = await this.users.search(query);
    const counts = await this.users.openBookingCounts(users.map((user) => user.id));
    return users.map((user) => ({ user, openBookings: counts.get(user.id)! }));
  }

  async get(principal: Principal, userId: string): Promise<AdminUserView> {
    requireAdmin(principal);
    const [view] = await this.views([userId]);
    if (!view) throw AppError.notFound('The user');
    return view;
  }

  /**
   * Suspends, bans or reinstates an account. The same Idempotency-Key (per admin) answers the same
   * change again without repeating it; with another action, user or reason it is a 422.
   */
  async changeStatus(principal: Principal, userId: string, action: StatusAction, reason: string, idempotencyKey: string): Promise<AdminUserView> {
    requireAdmin(principal);
    const requestHash = createHash('sha256').update(JSON.stringify([userId, action, reason])).digest('hex');
    const outcome = OUTCOME[action];
    const { revoked, outbox } = await this.deps.db.transaction(async (trx) => {
      // One change per key: a concurrent twin waits here on the unique key, then finds the first.
      await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`admin-action:${principal.userId}:${idempotencyKey}`]);
      const earlier = await this.actions.findByKey(principal.userId, idempotencyKey, trx);
      if (earlier) {
        if (earlier.requestHash !== requestHash) throw new AppError('unprocessable', 'This Idempotency-Key was used for another action; use a new key for a new action');
        return { revoked: [], outbox: [] };
      }
      const user = await this.users.findForUpdate(userId, trx);
      if (!user) throw AppError.notFound('The user');
      if (user.id === principal.userId) throw AppError.conflict('Admins cannot change the status of their own account');
      if (!outcome.from.includes(user.status)) throw AppError.conflict(`This account is ${user.status}; it cannot be ${action === 'unsuspend' ? 'reinstated' : `${outcome.status}`} from there`);
      const at = new Date();
      await this.users.setStatus(userId, { status: outcome.status, reason: outcome.status === 'active' ? null : reason, by: principal.userId, at }, trx);
      const recorded = await this.actions.insert({ adminId: principal.userId, userId, type: outcome.type, reason, data: { previousStatus: user.status }, idempotencyKey, requestHash }, trx);
      // The person is told, with the reason, in the same transaction as the change (the outbox).
      const emails = await this.deps.emails.enqueue(
        [{ dedupeKey: `account-status:${recorded.id}`, template: 'account-status-changed', to: { email: user.email, name: user.displayName }, params: { displayName: user.displayName, status: outcome.status as 'suspended' | 'banned' | 'active', reason } }],
        trx,
      );
      return { outbox: emails.map((email) => email.id), revoked: outcome.status === 'active' ? [] : await this.deps.sessions.revokeAllForUser(userId, 'account_disabled', trx) };
    });
    // After the commit: Redis's fast check, and every realtime instance closing the sessions' sockets.
    await this.deps.sessions.announce(revoked);
    this.deps.emails.deliverSoon(outbox);
    return this.get(principal, userId);
  }

  /** Admins' actions newest first: on bookings (refunds, cancellations, …), users and reviews. */
  async auditLog(principal: Principal, limit: number, filter: { userId?: string; before?: { at: Date; id: string } }): Promise<AuditEntry[]> {
    requireAdmin(principal);
    return this.actions.auditLog(limit, filter);
  }

  private async views(userIds: string[]): Promise<AdminUserView[]> {
    const users = await this.users.findByIds(userIds);
    const counts = await this.users.openBookingCounts(users.map((user) => user.id));
    return users.map((user) => ({ user, openBookings: counts.get(user.id)! }));
  }
}

export function createAdminUserService(db: Knex, sessions: AdminUserServiceDependencies['sessions'], emails: AdminUserServiceDependencies['emails']): AdminUserService {
  return new AdminUserService({ db, users: new AdminUserRepository(db), actions: new AdminActionRepository(db), sessions, emails });
}
