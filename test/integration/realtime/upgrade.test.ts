import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../../../domain/events.js';
import { PROTOCOL_VERSION } from '../../../realtime/protocol/document.js';
import { AccessTokens } from '../../../services/auth/access-tokens.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { publish, startRealtimeCluster, TestClient, upgradeStatus, type RealtimeCluster } from '../../support/realtime.js';

describe('the WebSocket upgrade', () => {
  let cluster: RealtimeCluster;
  let wsUrl: string;
  let student: TestUser;

  beforeAll(async () => {
    cluster = await startRealtimeCluster(1);
    wsUrl = cluster.instances[0]!.wsUrl;
    student = await createTestUser(cluster.database.db, cluster.config, 'student');
  });
  afterAll(() => cluster.close());

  it('refuses a connection without a token with 401 and no socket', async () => {
    expect(await upgradeStatus(wsUrl, { protocols: [PROTOCOL_VERSION] })).toBe(401);
    expect(cluster.instances[0]!.realtime.hub.all()).toHaveLength(0);
  });

  it('refuses a forged or foreign token with 401', async () => {
    const foreign = await new AccessTokens('another-secret-key-of-at-least-32-characters', 60_000).issue({
      userId: student.id,
      role: 'student',
      sessionId: student.sessionId,
    });
    expect(await upgradeStatus(wsUrl, { protocols: [PROTOCOL_VERSION, `bearer.${foreign.token}`] })).toBe(401);
    expect(await upgradeStatus(wsUrl, { protocols: [PROTOCOL_VERSION, 'bearer.not-a-jwt'] })).toBe(401);
  });

  it('refuses an origin outside the allowlist with 403, and admits an allowed one', async () => {
    const protocols = [PROTOCOL_VERSION, `bearer.${student.token}`];
    expect(await upgradeStatus(wsUrl, { protocols, origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(wsUrl, { protocols, origin: cluster.config.http.corsOrigins[0]! })).toBe(101);
  });

  it('answers 404 for another path', async () => {
    expect(await upgradeStatus(wsUrl.replace(/\/ws$/, '/other'), { protocols: [PROTOCOL_VERSION, `bearer.${student.token}`] })).toBe(404);
  });

  it('accepts the token as a subprotocol, selecting only the protocol name', async () => {
    const client = await TestClient.connect(wsUrl, student.token);
    expect(client.socket.protocol).toBe(PROTOCOL_VERSION);
    expect(client.events[0]).toMatchObject({ type: 'ready', userId: student.id });
    await client.close();
  });

  it('accepts the token as the access_token query parameter', async () => {
    const client = await TestClient.connect(wsUrl, student.token, { tokenVia: 'query' });
    expect(client.events[0]).toMatchObject({ type: 'ready', userId: student.id });
    await client.close();
  });

  it('drops a peer that stops answering pings', async () => {
    const silent = await TestClient.connect(wsUrl, student.token, { autoPong: false });
    const connectionId = silent.events[0].connectionId as string;
    expect(cluster.instances[0]!.realtime.hub.all().map((connection) => connection.id)).toContain(connectionId);
    // Terminated, not closed: no close frame, so the client sees an abnormal closure.
    expect((await silent.closed).code).toBe(1006);
    await vi.waitFor(() => expect(cluster.instances[0]!.realtime.hub.all().map((connection) => connection.id)).not.toContain(connectionId));
  });

  it('closes with 4001 when the access token expires', async () => {
    const shortLived = await new AccessTokens(cluster.config.secretKey, 1_500).issue({ userId: student.id, role: 'student', sessionId: student.sessionId });
    const client = await TestClient.connect(wsUrl, shortLived.token);
    expect((await client.closed).code).toBe(4001);
  });

  it("closes with 4003 when the connection's session is revoked, leaving other sessions open", async () => {
    const other = await createTestUser(cluster.database.db, cluster.config, 'student');
    const revoked = await TestClient.connect(wsUrl, student.token);
    const untouched = await TestClient.connect(wsUrl, other.token);
    await publish(cluster.config.redis.url, CHANNELS.sessionRevoked, { userId: student.id, sessionId: student.sessionId });
    expect((await revoked.closed).code).toBe(4003);
    expect(untouched.socket.readyState).toBe(untouched.socket.OPEN);
    await untouched.close();
  });
});
