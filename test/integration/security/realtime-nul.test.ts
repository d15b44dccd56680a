/**
 * A NUL character in a WebSocket frame's text or clientMessageId reached PostgreSQL and came back
 * as an `internal` error; the protocol's schemas now refuse it as an invalid frame, and a clean
 * message between the same pair still goes through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startRealtimeCluster, TestClient, type RealtimeCluster } from '../../support/realtime.js';
import { insertBooking } from '../realtime/support.js';

let cluster: RealtimeCluster;
let student: TestUser;
let tutor: TestUser;

beforeAll(async () => {
  cluster = await startRealtimeCluster(1);
  const { db } = cluster.database;
  [student, tutor] = await Promise.all([createTestUser(db, cluster.config, 'student'), createTestUser(db, cluster.config, 'tutor')]);
  await insertBooking(db, { studentId: student.id, tutorId: tutor.id }, 'SCHEDULED');
});
afterAll(() => cluster?.close());

describe('NUL in WebSocket frames', () => {
  it('is an invalid frame, not an internal error', async () => {
    const client = await TestClient.connect(cluster.instances[0]!.wsUrl, student.token);
    const cases = [
      { ref: 'text', clientMessageId: 'nul-in-text', text: 'hello\u0000world', field: 'text' },
      { ref: 'id', clientMessageId: 'nul\u0000id', text: 'hello', field: 'clientMessageId' },
    ];
    for (const { ref, clientMessageId, text, field } of cases) {
      client.send({ type: 'message.send', ref, recipientId: tutor.id, clientMessageId, text });
      const answer = await client.next((event) => event.ref === ref);
      expect(answer).toMatchObject({ type: 'error', code: 'invalid_frame' });
      expect(JSON.stringify(answer.issues)).toContain(field);
    }
    client.send({ type: 'message.send', ref: 'clean', recipientId: tutor.id, clientMessageId: 'clean-1', text: 'hello world' });
    expect(await client.next((event) => event.ref === 'clean')).toMatchObject({ type: 'message.ack', clientMessageId: 'clean-1' });
    await client.close();
  });
});
