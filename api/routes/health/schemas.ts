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
    dependencies: z.object(Object.fromEntries(DEPENDENCIES.map((name) => [name, DependencyReportSchema])) as Record<
      (typeof DEPENDENCIES)[number],
      typeof DependencyReportSchema
    >),
  })
  .meta({ id: 'IntegrityReport' });
