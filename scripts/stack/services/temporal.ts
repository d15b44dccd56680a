import { join } from 'node:path';
import { LOOPBACK, type StackProfile } from '../profiles.js';
import { provisionTemporalCli, temporalCliPath } from '../provision/temporal.js';
import { canConnect } from '../readiness/probes.js';
import { runCommand } from '../util/run-command.js';
import { BOOKING_SEARCH_ATTRIBUTES } from '../search-attributes.js';
import type { ServiceDefinition } from './types.js';

function searchAttributeArgs(): string[] {
  return Object.entries(BOOKING_SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
}

/** The Web UI for dev; none for tests, which only talk gRPC. */
function uiArgs(p: StackProfile): string[] {
  if (p.temporal.uiPort === null) return ['--headless'];
  // The news feed is fetched from the internet, which this machine does not reach.
  return ['--ui-port', String(p.temporal.uiPort), '--ui-disable-news-fetch'];
}

export const temporalService: ServiceDefinition = {
  name: 'temporal',
  ports: (p) => (p.temporal.uiPort === null ? [p.temporal.port] : [p.temporal.port, p.temporal.uiPort]),
  address: (p) =>
    `${LOOPBACK}:${p.temporal.port}` + (p.temporal.uiPort === null ? ' (headless)' : ` (UI http://${LOOPBACK}:${p.temporal.uiPort})`),
  executable: () => temporalCliPath(),
  provision: (_root, log) => provisionTemporalCli(log),
  launch: async (ctx, executable) => ({
    command: executable,
    args: [
      'server', 'start-dev',
      '--ip', LOOPBACK,
      '--port', String(ctx.profile.temporal.port),
      ...uiArgs(ctx.profile),
      // Without a db file the dev server keeps everything in memory.
      ...(ctx.profile.temporal.persistent ? ['--db-filename', join(ctx.dataDir, 'temporal.db')] : []),
      '--namespace', ctx.profile.temporal.namespace,
      '--log-level', 'warn',
      ...searchAttributeArgs(),
    ],
  }),
  // The gRPC port opens before the frontend serves requests; describing the namespace proves it does.
  isReady: async (_root, p) => {
    if (!(await canConnect(p.temporal.port, LOOPBACK))) return false;
    const describe = await runCommand(temporalCliPath(), [
      'operator', 'namespace', 'describe',
      '--namespace', p.temporal.namespace,
      '--address', `${LOOPBACK}:${p.temporal.port}`,
    ], { timeoutMs: 10_000 });
    return describe.code === 0;
  },
  // A server started by an older checkout (the dev profile keeps its database) lacks attributes added
  // since: register whatever is missing, so a new attribute never fails a workflow task.
  afterReady: async (ctx) => {
    const address = `${LOOPBACK}:${ctx.profile.temporal.port}`;
    const listed = await runCommand(temporalCliPath(), ['operator', 'search-attribute', 'list', '--namespace', ctx.profile.temporal.namespace, '--address', address], { timeoutMs: 10_000 });
    for (const [name, type] of Object.entries(BOOKING_SEARCH_ATTRIBUTES)) {
      if (new RegExp(`\\b${name}\\b`).test(listed.output)) continue;
      const created = await runCommand(temporalCliPath(), [
        'operator', 'search-attribute', 'create',
        '--namespace', ctx.profile.temporal.namespace,
        '--address', address,
        '--name', name,
        '--type', type,
      ], { timeoutMs: 10_000 });
      if (created.code !== 0 && !/already exists/i.test(created.output)) {
        throw new Error(`temporal: could not register the search attribute ${name}: ${created.output}`);
      }
    }
  },
  stopSignal: 'SIGTERM',
  readyTimeoutMs: 90_000,
};
