/**
 * Names of the GDPR export kept in Temporal histories (workflow type, activity names): defined
 * once, never renamed, shared by the API that starts it and the worker that runs it.
 */

/** The workflow type: builds one person's archive, then tells them it is ready. */
export const DATA_EXPORT_WORKFLOW_TYPE = 'dataExportWorkflow';

/** One workflow per export request: a retried start finds the same one. */
export const dataExportWorkflowId = (exportId: string) => `data-export-${exportId}`;

/** Each is safe to run twice (same object key, outbox dedupe key, a status written once). */
export interface DataExportActivities {
  /** Gathers everything stored about the person into one JSON object in storage; marks the export ready. */
  buildDataExport(exportId: string): Promise<{ objectKey: string; sizeBytes: number }>;
  /** Emails the person a short-lived link to the archive. */
  emailDataExport(exportId: string): Promise<void>;
  /** The archive could not be built: the export shows `failed` with the reason. */
  markDataExportFailed(exportId: string, reason: string): Promise<void>;
}
