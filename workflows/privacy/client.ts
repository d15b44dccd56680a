/** Starts GDPR export workflows for the API: one per export id, on the booking task queue. */
import type { Client } from '@temporalio/client';
import { DATA_EXPORT_WORKFLOW_TYPE, dataExportWorkflowId } from './definitions.js';

export class DataExportWorkflowClient {
  constructor(
    private readonly client: Client,
    private readonly options: { taskQueue: string },
  ) {}

  async start(exportId: string): Promise<void> {
    await this.client.workflow.start(DATA_EXPORT_WORKFLOW_TYPE, {
      taskQueue: this.options.taskQueue,
      workflowId: dataExportWorkflowId(exportId),
      args: [exportId],
      staticSummary: 'GDPR export: build the archive, email the link',
    });
  }
}
