import type { Role, User } from '../../db/models/user.js';
import { AppError } from '../../domain/errors.js';

/** What the API says about the signed-in person's own account. */
export interface Account {
  id: string;
  email: string;
  emailVerified: boolean;
  role: Role;
  displayName: string;
  timeZone: string;
  /** False for accounts created through Google that never set a password. */
  hasPassword: boolean;
  googleLinked: boolean;
  createdAt: Date;
}

export function toAccount(user: User): Account {
  return {
    id: user.id,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    role: user.role,
    displayName: user.displayName,
    timeZone: user.timeZone,
    hasPassword: user.passwordHash !== null,
    googleLinked: user.googleSub !== null,
    createdAt: user.createdAt,
  };
}

/** Postgres says a unique constraint refused the row (another request took the email first). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = error as { code?: string; constraint?: string; nativeError?: { code?: string; constraint?: string } };
  const code = pg.code ?? pg.nativeError?.code;
  const name = pg.constraint ?? pg.nativeError?.constraint;
  return code === '23505' && (constraint === undefined || name === constraint);
}

const DISABLED_DETAIL: Record<User['status'], string> = {
  active: 'This account has been disabled',
  suspended: 'This account has been disabled: an admin suspended it. Contact support to have it reviewed',
  banned: 'This account has been disabled: an admin banned it',
  deleted: 'This account has been disabled: it was deleted at its owner’s request',
};

/**
 * The refusal every sign-in path (password, Google, refresh, each authenticated request) gives an
 * account that may not sign in: 401, saying why, with `accountStatus` for clients to branch on.
 */
export function accountDisabled(user: Pick<User, 'status'>): AppError {
  return new AppError('unauthenticated', DISABLED_DETAIL[user.status], { extensions: { accountStatus: user.status === 'active' ? 'suspended' : user.status } });
}
