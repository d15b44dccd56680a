/**
 * Fault scenario 10: a realtime server (server/realtime.ts, a real process) is killed with SIGKILL
 * while a student is sending a stream of messages to a tutor on another instance. The student
 * reconnects to the surviving instance and, as the protocol says, resends every message not yet
 * acknowledged by its clientMessageId; the tutor pages the history. Every message exists exactly
 * once, in the database, in the tutor's view (live + history) and in the student's acks.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../support/fixtures.js';
import type { Json } from '../support/http.js';
import { spawnRealtimeProcess, startRealtimeCluster, TestClient, type RealtimeCluster, type RealtimeProcess } from '../support/realtime.js';
import { report } from './support/invariants.js';
import { fullHistory, outgoing, sendUnacknowledged } from './support/messages.js';

const MESSAGES = 60;
/** A client that sends its backlog at once after a reconnect must not meet the per-connection frame limit. */
const ROOMY_FRAMES = { REALTIME_RATE_BURST: '500', REALTIME_RATE_LIMIT: '500/second' };

let cluster: RealtimeCluster;
let doomed: RealtimeProcess | undefined;
let student: TestUser;
let tutor: TestUser;

beforeAll(async () => {
  cluster = await startRealtimeCluster(1, ROOMY_FRAMES);
  doomed = await spawnRealtimeProcess(cluster.config, ROOMY_FRAMES);
  [student, tutor] = await Promise.all([createTestUser(cluster.database.db, cluster.config, 'student'), createTestUser(cluster.database.db, cluster.config, 'tutor')]);
}, 120_000);

afterAll(async () => {
  await doomed?.kill();
  await cluster?.close();
});

it('10: a realtime instance killed while clients send; reconnect to the other; every message exactly once', async () => {
  const survivor = cluster.instances[0]!;
  const tutorClient = await TestClient.connect(survivor.wsUrl, tutor.token);
  let sender = await TestClient.connect(doomed!.wsUrl, student.token);

  // The conversation's first message, then a stream the kill interrupts.
  const firstId = randomUUID();
  sender.send({ type: 'message.send', recipientId: tutor.id, clientMessageId: firstId, text: 'hello' });
  const first = await sender.next((event) => event.clientMessageId === firstId);
  expect(first.type).toBe('message.ack');
  const conversationId = first.message.conversationId as string;
  const messages = outgoing(Array.from({ length: MESSAGES }, (_, index) => `message ${index}`));

  const sending = sendUnacknowledged(sender, conversationId, messages, 5_000);
  // Kill the server once some (not all) acks are in.
  const deadline = Date.now() + 10_000;
  while (messages.filter((message) => message.acked).length < MESSAGES / 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  await doomed!.kill();
  doomed = undefined;
  await sending;
  const ackedBeforeKill = messages.filter((message) => message.acked).length;
  expect(ackedBeforeKill).toBeLessThan(MESSAGES);

  // Reconnect to the surviving instance and resend what was not acknowledged.
  sender = await TestClient.connect(survivor.wsUrl, student.token);
  for (let round = 0; round < 3 && messages.some((message) => !message.acked); round++) await sendUnacknowledged(sender, conversationId, messages);
  expect(messages.filter((message) => !message.acked), JSON.stringify(sender.events.slice(-3))).toEqual([]);
  const duplicatesAcked = messages.filter((message) => message.acked.duplicate === true).length;

  // The tutor's view: what arrived live, plus the history paged back.
  const history = await fullHistory(survivor.baseUrl, tutor, conversationId);
  const live = tutorClient.all('message.new').map((event: Json) => event.message);
  const seen = new Map<string, Json>();
  for (const message of [...live, ...history]) seen.set(message.id, message);
  const texts = [...seen.values()].map((message) => message.text as string).sort();
  expect(texts).toEqual(['hello', ...messages.map((message) => message.text)].sort());
  const rows = await cluster.database.db('messages').where({ conversation_id: conversationId }).select('id', 'body');
  expect(rows).toHaveLength(MESSAGES + 1);
  expect(history).toHaveLength(MESSAGES + 1);
  expect(new Set(messages.map((message) => message.acked.message.id)).size).toBe(MESSAGES);

  report('10 realtime instance killed while clients send', {
    messages: MESSAGES + 1,
    ackedBeforeKill,
    resent: MESSAGES - ackedBeforeKill,
    duplicatesAcked,
    deliveredLive: live.length,
    history: history.length,
    stored: rows.length,
  });
  await sender.close();
  await tutorClient.close();
});
