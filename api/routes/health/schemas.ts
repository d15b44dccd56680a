import { z } from 'zod';
import { DEPENDENCIES } from '../../../services/health-service.js';

export const LivenessSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });

const DependencyReportSchema = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number().describe('How long the probe took, in milliseconds'),
  error: z.string().optional().describe('Why the dependency is down'),
});

export const IntegrityReportSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    checkedAt: z.iso.datetime(),
    bookingWorkers: z
      .object({
        taskQueue: z.string(),
        polling: z.boolean().describe('At least one worker polls the task queue for workflow and for activity tasks'),
        workflowPollers: z.number().int(),
        activityPollers: z.number().int(),
        error: z.string().optional().describe('Why polling could not be checked'),
      })
      .optional()
      .describe('Workers polling the booking task queue (Temporal DescribeTaskQueue); not part of `status`'),
    dependencies: z.object(Object.fromEntries(DEPENDENCIES.map((name) => [name, DependencyReportSchema])) as Record<
      (typeof DEPENDENCIES)[number],
      typeof DependencyReportSchema
    >),
  })
  .meta({ id: 'IntegrityReport' });
