import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startRealtimeCluster, TestClient, type RealtimeCluster } from '../../support/realtime.js';

describe('frames the protocol does not accept', () => {
  let cluster: RealtimeCluster;
  let user: TestUser;
  const connect = () => TestClient.connect(cluster.instances[0]!.wsUrl, user.token);

  beforeAll(async () => {
    // A small bucket refilled slowly, so the rate limit test needs few frames.
    cluster = await startRealtimeCluster(1, { REALTIME_RATE_BURST: '10', REALTIME_RATE_LIMIT: '1/minute' });
    user = await createTestUser(cluster.database.db, cluster.config, 'student');
  });
  afterAll(() => cluster.close());

  it('closes with 1009 on a frame over 64 KiB', async () => {
    const client = await connect();
    client.send({ type: 'message.send', recipientId: user.id, clientMessageId: 'big', text: 'x'.repeat(70 * 1024) });
    expect((await client.closed).code).toBe(1009);
  });

  it('closes with 1007 on a text frame that is not JSON', async () => {
    const client = await connect();
    client.socket.send('{"type": "typing", ');
    expect((await client.closed).code).toBe(1007);
  });

  it('closes with 1003 on a binary frame', async () => {
    const client = await connect();
    client.socket.send(Buffer.from([1, 2, 3]));
    expect((await client.closed).code).toBe(1003);
  });

  it('answers JSON that is no client event with an error event and keeps the connection', async () => {
    const client = await connect();
    client.send({ type: 'message.launch', ref: 'a' });
    expect(await client.next((event) => event.ref === 'a')).toMatchObject({ type: 'error', code: 'invalid_frame' });
    client.send({ type: 'message.send', ref: 'b', clientMessageId: 'm1', text: 'no conversation or recipient' });
    const error = await client.next((event) => event.ref === 'b');
    expect(error).toMatchObject({ type: 'error', code: 'invalid_frame' });
    expect(error.issues[0].message).toContain('exactly one of conversationId and recipientId');
    client.send({ type: 'presence.set', ref: 'c', status: 'away' });
    expect(await client.next((event) => event.ref === 'c')).toMatchObject({ type: 'ok', for: 'presence.set' });
    await client.close();
  });

  it('closes with 1008 when a connection exceeds its frame budget', async () => {
    const client = await connect();
    for (let index = 0; index < 12; index++) client.send({ type: 'presence.set', status: 'online' });
    expect((await client.closed).code).toBe(1008);
  });
});
