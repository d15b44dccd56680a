/**
 * Why an account can or cannot sign in. `active` signs in; `suspended` and `banned` were set by an
 * admin with a reason (a suspension is meant to be lifted, a ban to stay); `deleted` is the owner's
 * own erasure (GDPR) and is never lifted.
 */
export const ACCOUNT_STATUSES = ['active', 'suspended', 'banned', 'deleted'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];
