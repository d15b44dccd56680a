/**
 * Names of the clean-up kept in Temporal (schedule, workflow type, activity names): defined once,
 * never renamed, shared by the worker that creates the schedule and the workflow it starts.
 */

/** The clean-up workflow's type: a schedule starts it; it deletes what outlived its retention. */
export const CLEAN_UP_WORKFLOW_TYPE = 'cleanUpWorkflow';

/** One schedule per task queue, so several deployments (or test runs) on one Temporal server never collide. */
export const cleanUpScheduleId = (taskQueue: string) => `clean-up-${taskQueue}`;

/** What one run deleted, by kind. */
export interface CleanUpReport {
  sessions: number;
  oauthStates: number;
  unconfirmedUploads: number;
  /** Objects PUT through an upload URL after its file was confirmed (or rejected), never served. */
  uploadLeftovers: number;
  stripeEvents: number;
  sentEmails: number;
  /** Absent from runs recorded before the step existed (patch READ_NOTIFICATIONS_PATCH). */
  readNotifications?: number;
}

/** The patch that added the read-notification step: runs started before it replay without it. */
export const READ_NOTIFICATIONS_PATCH = 'clean-up-read-notifications';

/** The clean-up activities; each deletes one kind in batches and answers how many rows it deleted. Safe to run twice. */
export interface CleanUpActivities {
  /** Sessions that expired or were revoked longer ago than SESSION_RETENTION, with their refresh tokens. */
  deleteEndedSessions(): Promise<number>;
  /** Google sign-ins started and never finished, once expired. */
  deleteExpiredOAuthStates(): Promise<number>;
  /** Uploads never confirmed within PENDING_UPLOAD_RETENTION: the object in storage, then the row. */
  deleteUnconfirmedUploads(): Promise<number>;
  /**
   * Objects left at the upload key of files already decided: an upload URL stays valid for
   * FILE_UPLOAD_URL_TTL, so a PUT after the confirm leaves an object nothing serves. Swept once the
   * URL has expired (files decided in the two intervals before that).
   */
  deleteUploadLeftovers(): Promise<number>;
  /** Processed Stripe event ids older than STRIPE_EVENT_RETENTION (Stripe redelivers for 3 days). */
  deleteOldStripeEvents(): Promise<number>;
  /** Sent emails of the outbox older than SENT_EMAIL_RETENTION. */
  deleteSentEmails(): Promise<number>;
  /** Read in-app notifications created longer ago than NOTIFICATIONS_RETENTION. */
  deleteReadNotifications(): Promise<number>;
}
