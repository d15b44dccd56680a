/**
 * Names stored in package workflow histories: public API, defined once, never renamed. One
 * workflow per bought package, ID `package-<packageId>`: it charges the card, grants the credits,
 * reminds the student before expiry, refunds unused credits (at expiry, or an admin's pro rata
 * refund) and pays the tutor's share of each lesson taken from the package.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { LESSON_SETTLED_SIGNAL, type LessonSettled, type PackageStatus } from '../../domain/credits.js';

export { packageWorkflowId, type LessonSettled } from '../../domain/credits.js';

export const PACKAGE_WORKFLOW_TYPE = 'packageWorkflow';

export interface PackageWorkflowInput {
  packageId: string;
  studentId: string;
  tutorId: string;
  lessons: number;
  lengthMinutes: number;
  priceMinor: number;
  currency: string;
  commissionBps: number;
  paymentMethodId: string;
  /** ISO instant: unused credits are refunded then (domain/credits.ts). */
  expiresAt: string;
  /** Emails this long before expiry (PACKAGE_EXPIRY_REMINDERS). */
  reminderOffsetsMs: number[];
  requestHash: string;
}

export type PackageAttentionReason = 'refund_failed' | 'payout_failed';

export interface PackageAttentionItem {
  id: string;
  reason: PackageAttentionReason;
  message: string;
  since: string;
  amountMinor?: number;
}

export interface PackageSnapshot {
  packageId: string;
  status: PackageStatus;
  paymentFailure?: string;
  capturedMinor: number;
  refundedMinor: number;
  paidOutMinor: number;
  expiresAt: string;
  /** Lessons of this package settled so far (paid to the tutor, or their credit returned). */
  settledLessons: number;
  attention?: PackageAttentionItem[];
}

export interface SubmitPackage {
  requestHash: string;
}

export interface AdminPackageRefund {
  adminId: string;
  reason: string;
  /** The admin's Idempotency-Key (hashed): one refund per key; part of Stripe's idempotency key. */
  requestId: string;
}

export interface ResolvePackageAttention {
  adminId: string;
  itemId?: string;
  action: 'retry' | 'close';
  reason: string;
}

export const getPackageQuery = defineQuery<PackageSnapshot>('getPackage');
/** Sent with the start: answers once the card has been charged (or refused). */
export const submitPackageUpdate = defineUpdate<PackageSnapshot, [SubmitPackage]>('submitPackage');
export const adminRefundPackageUpdate = defineUpdate<PackageSnapshot, [AdminPackageRefund]>('adminRefundPackage');
export const resolvePackageAttentionUpdate = defineUpdate<PackageSnapshot, [ResolvePackageAttention]>('resolvePackageAttention');
/** From a booking workflow (workflows can only signal each other). */
export const lessonSettledSignal = defineSignal<[LessonSettled]>(LESSON_SETTLED_SIGNAL);

export const PACKAGE_REFUSALS = {
  idempotencyKeyReused: 'IdempotencyKeyReused',
  invalidState: 'InvalidState',
  paymentRefused: 'PaymentRefused',
} as const;
