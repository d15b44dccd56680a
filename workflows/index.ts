// Every workflow the booking task queue runs. The worker bundles this file.
export { bookingWorkflow } from './booking/workflow.js';
export { cleanUpWorkflow } from './maintenance/workflow.js';
export { lessonSeriesWorkflow } from './series/workflow.js';
export { packageWorkflow } from './package/workflow.js';
export { dataExportWorkflow } from './privacy/workflow.js';
