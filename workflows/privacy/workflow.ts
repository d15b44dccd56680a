/**
 * A GDPR export (`data-export-<id>`): build the archive (retried with backoff; a permanent failure
 * marks the export failed, which the person sees), then email the link. A lost email is logged, not
 * retried forever: the archive stays downloadable from GET /api/me/export/{id}.
 */
import { log, proxyActivities } from '@temporalio/workflow';
import type { DataExportActivities } from './definitions.js';

const build = proxyActivities<DataExportActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});
const tell = proxyActivities<DataExportActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 8 },
});

export async function dataExportWorkflow(exportId: string): Promise<'ready' | 'failed'> {
  try {
    await build.buildDataExport(exportId);
  } catch (error) {
    // An ActivityFailure wraps what the activity threw.
    const failure = error as Error & { cause?: Error };
    const reason = failure.cause?.message ?? failure.message;
    await tell.markDataExportFailed(exportId, reason);
    return 'failed';
  }
  try {
    await tell.emailDataExport(exportId);
  } catch (error) {
    log.warn('data export email not sent; the archive stays downloadable', { exportId, error: (error as Error).message });
  }
  return 'ready';
}
