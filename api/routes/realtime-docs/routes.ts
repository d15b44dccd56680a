/**
 * The realtime (WebSocket) protocol document, served beside the OpenAPI document. realtime/ builds
 * it; the composition root hands the builder in, so api/ never imports realtime/.
 */
import { z } from 'zod';
import { defineRoute, type RouteSpec } from '../../routing.js';

export function realtimeDocsRoutes(buildDocument: () => Record<string, unknown>): RouteSpec[] {
  let document: Record<string, unknown> | undefined;
  return [
    defineRoute({
      method: 'get',
      path: '/docs/realtime.json',
      operationId: 'getRealtimeProtocol',
      summary: 'The WebSocket protocol at /ws: authentication, close codes, and every event with its JSON Schema',
      tags: ['docs'],
      access: 'public',
      responses: { 200: { description: 'The realtime protocol document', schema: z.record(z.string(), z.unknown()) } },
      handler: async (ctx) => {
        ctx.body = document ??= buildDocument();
      },
    }),
  ];
}
