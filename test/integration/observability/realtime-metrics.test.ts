/**
 * The API's WebSocket and rate-limit metrics, on a real API instance with /ws (real Redis, real
 * sockets): connections open and opened, frames by type, deliveries by event type, and refusals by
 * the HTTP general limit and the per-connection frame limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRegistry } from '../../../integrations/telemetry/metrics.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { freePort } from '../../../scripts/stack/util/free-port.js';
import { spawnRealtimeProcess, startRealtimeCluster, TestClient, type RealtimeCluster } from '../../support/realtime.js';

let cluster: RealtimeCluster;
let user: TestUser;

beforeAll(async () => {
  // A small frame bucket refilled slowly, and two requests a minute per signed-in user.
  cluster = await startRealtimeCluster(1, { REALTIME_RATE_BURST: '4', REALTIME_RATE_LIMIT: '1/minute', RATE_LIMIT_PER_MINUTE: '2' });
  user = await createTestUser(cluster.database.db, cluster.config, 'student');
});
afterAll(() => cluster?.close());

/** The current value of one series of the API registry (0 when it has no sample yet). */
async function value(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = apiRegistry.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  const { values } = await metric.get();
  const match = values.find((sample) => Object.entries(labels).every(([key, wanted]) => String(sample.labels[key]) === wanted));
  return match?.value ?? 0;
}

describe('WebSocket and rate-limit metrics', () => {
  it('count a connection, its frames and deliveries, and the frame limit that closes it', async () => {
    const before = {
      open: await value('tutorflow_ws_connections'),
      opened: await value('tutorflow_ws_connections_opened_total'),
      ready: await value('tutorflow_ws_deliveries_total', { type: 'ready' }),
      invalid: await value('tutorflow_ws_frames_received_total', { type: 'invalid' }),
      errors: await value('tutorflow_ws_deliveries_total', { type: 'error' }),
      refused: await value('tutorflow_rate_limit_refusals_total', { limit: 'realtime' }),
    };
    // connect() resolves once the server's `ready` event has arrived.
    const client = await TestClient.connect(cluster.instances[0]!.wsUrl, user.token);
    expect(await value('tutorflow_ws_connections')).toBe(before.open + 1);
    expect(await value('tutorflow_ws_connections_opened_total')).toBe(before.opened + 1);
    expect(await value('tutorflow_ws_deliveries_total', { type: 'ready' })).toBe(before.ready + 1);

    client.send({ type: 'message.launch', ref: 'x' });
    await client.next((event) => event.ref === 'x');
    expect(await value('tutorflow_ws_frames_received_total', { type: 'invalid' })).toBe(before.invalid + 1);
    expect(await value('tutorflow_ws_deliveries_total', { type: 'error' })).toBe(before.errors + 1);

    for (let frame = 0; frame < 6; frame++) client.send({ type: 'message.launch', ref: `flood-${frame}` });
    expect((await client.closed).code).toBe(1008);
    expect(await value('tutorflow_rate_limit_refusals_total', { limit: 'realtime' })).toBe(before.refused + 1);
    // The close is handled after the close frame: the gauge comes back down.
    const deadline = Date.now() + 5_000;
    while ((await value('tutorflow_ws_connections')) !== before.open && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await value('tutorflow_ws_connections')).toBe(before.open);
  });

  it('count requests refused by the general rate limit', async () => {
    const before = await value('tutorflow_rate_limit_refusals_total', { limit: 'general' });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      statuses.push((await fetch(`${cluster.instances[0]!.baseUrl}/api/me`, { headers: user.auth })).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(await value('tutorflow_rate_limit_refusals_total', { limit: 'general' })).toBe(before + 1);
  });

  it('are served by the standalone realtime process on its private metrics listener', async () => {
    const metricsPort = await freePort();
    const child = await spawnRealtimeProcess(cluster.config, { METRICS_HOST: '127.0.0.1', METRICS_PORT: String(metricsPort) });
    try {
      const client = await TestClient.connect(child.wsUrl, user.token);
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(text).toMatch(/^tutorflow_ws_connections 1$/m);
      expect(text).toMatch(/^tutorflow_ws_deliveries_total\{type="ready"\} 1$/m);
      await client.close();
    } finally {
      await child.kill();
    }
  });
});
