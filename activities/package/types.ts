/**
 * The package workflow's view of its side effects (imported by the workflow as types only). Each
 * can run twice without doing its thing twice: Stripe calls carry `<packageId>:<step>` (and look for
 * the object first where a retry may come after Stripe forgot the key), ledger entries carry a
 * dedupe key, emails go through the outbox with one key per recipient and step.
 */
import type { PackageStatus } from '../../domain/credits.js';

export interface ChargePackageInput {
  packageId: string;
  studentId: string;
  amountMinor: number;
  currency: string;
  paymentMethodId: string;
}

export type ChargePackageResult =
  | { status: 'succeeded'; paymentIntentId: string; chargeId: string; amountMinor: number }
  | { status: 'failed'; paymentIntentId?: string; message: string };

export interface PackageRecord {
  packageId: string;
  status: PackageStatus;
  paymentIntentId?: string;
  chargeId?: string;
  paymentFailure?: string;
  capturedMinor: number;
  refundedMinor: number;
  paidOutMinor: number;
}

export interface TakeUnusedInput {
  packageId: string;
  kind: 'expire' | 'refund';
  /** One entry per key: a retried activity takes the credits once. */
  dedupeKey: string;
  /** What the charge still has (captured − refunded − paid out): the refund is bounded by it. */
  moneyLeftMinor: number;
  /** The package's status afterwards (expired at expiry; refunded when an admin refunds). */
  status: PackageStatus;
}

export interface TakeUnusedResult {
  credits: number;
  refundMinor: number;
}

export interface RefundPackageInput {
  packageId: string;
  paymentIntentId: string;
  amountMinor: number;
  step: string;
  reason: string;
}

export interface PayLessonInput {
  packageId: string;
  bookingId: string;
  chargeId: string;
  tutorAccountId: string;
  amountMinor: number;
  currency: string;
}

export interface PackageNotice {
  packageId: string;
  step: string;
  template: string;
  recipientUserIds: string[];
  params: Record<string, string | number>;
}

export interface PackageActivities {
  chargePackage(input: ChargePackageInput): Promise<ChargePackageResult>;
  recordPackage(input: PackageRecord): Promise<void>;
  /** The purchase entry (+N credits) and the package active, in one transaction. */
  grantCredits(input: { packageId: string }): Promise<void>;
  /** Takes every unused credit (one entry −n) and says what they are worth pro rata. */
  takeUnusedCredits(input: TakeUnusedInput): Promise<TakeUnusedResult>;
  /** A cancelled lesson's credit back (+1); false when the package has expired meanwhile (then it is refunded). */
  returnCredit(input: { packageId: string; bookingId: string }): Promise<boolean>;
  /** Lessons ever booked with the package's credits (its consume entries): each one settles once. */
  consumedLessons(input: { packageId: string }): Promise<number>;
  refundPackage(input: RefundPackageInput): Promise<{ refundId: string; amountMinor: number }>;
  packagePayoutAccount(input: { tutorId: string }): Promise<{ accountId: string; payoutsEnabled: boolean } | null>;
  payLesson(input: PayLessonInput): Promise<{ transferId: string; amountMinor: number }>;
  notifyPackage(input: PackageNotice): Promise<void>;
}
