/**
 * The clean-up run a Temporal Schedule starts (every MAINTENANCE_INTERVAL): one activity per kind
 * of expired data, each retried on its own, so one failing kind does not stop the others' next run.
 */
import { log, patched, proxyActivities } from '@temporalio/workflow';
import { READ_NOTIFICATIONS_PATCH, type CleanUpActivities, type CleanUpReport } from './definitions.js';

const activities = proxyActivities<CleanUpActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

export async function cleanUpWorkflow(): Promise<CleanUpReport> {
  const report: CleanUpReport = {
    sessions: await activities.deleteEndedSessions(),
    oauthStates: await activities.deleteExpiredOAuthStates(),
    unconfirmedUploads: await activities.deleteUnconfirmedUploads(),
    uploadLeftovers: await activities.deleteUploadLeftovers(),
    stripeEvents: await activities.deleteOldStripeEvents(),
    sentEmails: await activities.deleteSentEmails(),
  };
  // A step added after runs were recorded: a run in flight at the deploy replays without it.
  if (patched(READ_NOTIFICATIONS_PATCH)) report.readNotifications = await activities.deleteReadNotifications();
  log.info('clean-up finished', { ...report });
  return report;
}
