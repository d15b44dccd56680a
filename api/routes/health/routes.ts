import { defineRoute, type RouteSpec } from '../../routing.js';
import type { HealthService } from '../../../services/health-service.js';
import { IntegrityReportSchema, LivenessSchema } from './schemas.js';

export function healthRoutes(health: HealthService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      operationId: 'getLiveness',
      summary: 'Liveness: the process answers (touches no dependency)',
      tags: ['health'],
      access: 'public',
      responses: { 200: { description: 'The process is alive', schema: LivenessSchema } },
      handler: async (ctx) => {
        ctx.body = { status: 'ok' };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/health/integrity',
      operationId: 'getIntegrity',
      summary: 'Each dependency with its status and latency',
      description: 'Answers 503 with the same report when any dependency is down, so load balancers and ops see which one.',
      tags: ['health'],
      access: 'public',
      responses: {
        200: { description: 'Every dependency is up', schema: IntegrityReportSchema },
        503: { description: 'At least one dependency is down', schema: IntegrityReportSchema },
      },
      handler: async (ctx) => {
        const report = await health.integrity();
        ctx.status = report.status === 'ok' ? 200 : 503;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = report;
      },
    }),
  ];
}
