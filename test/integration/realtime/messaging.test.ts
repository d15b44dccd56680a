import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASK_TEXT } from '../../../services/messaging/contact-masking.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { readJson, type Json } from '../../support/http.js';
import { startRealtimeCluster, TestClient, type RealtimeCluster } from '../../support/realtime.js';
import { insertBooking, insertFile } from './support.js';

describe('messaging across two realtime instances', () => {
  let cluster: RealtimeCluster;
  let a: string;
  let b: string;
  const clients: TestClient[] = [];
  const connect = async (url: string, user: TestUser) => {
    const client = await TestClient.connect(url, user.token);
    clients.push(client);
    return client;
  };
  const get = async (user: TestUser, path: string) => {
    const response = await fetch(`${cluster.instances[0]!.baseUrl}${path}`, { headers: user.auth });
    return { status: response.status, body: await readJson(response) };
  };
  const newPair = async () => ({
    student: await createTestUser(cluster.database.db, cluster.config, 'student'),
    tutor: await createTestUser(cluster.database.db, cluster.config, 'tutor'),
  });
  const ackOf = (client: TestClient, clientMessageId: string) =>
    client.next((event) => (event.type === 'message.ack' && event.clientMessageId === clientMessageId) || event.type === 'error');

  beforeAll(async () => {
    cluster = await startRealtimeCluster(2);
    a = cluster.instances[0]!.wsUrl;
    b = cluster.instances[1]!.wsUrl;
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await cluster.close();
  });

  it('stores the message before the ack and delivers it to the other party and the sender’s other tab on the other instance', async () => {
    const { student, tutor } = await newPair();
    const studentTab1 = await connect(a, student);
    const studentTab2 = await connect(b, student);
    const tutorClient = await connect(b, tutor);

    const clientMessageId = randomUUID();
    studentTab1.send({ type: 'message.send', recipientId: tutor.id, clientMessageId, text: 'Hello! Can we work on fractions?' });
    const ack = await ackOf(studentTab1, clientMessageId);
    expect(ack).toMatchObject({ type: 'message.ack', duplicate: false, message: { senderId: student.id, text: 'Hello! Can we work on fractions?', masked: false } });
    // The ack promises durability: the row is there the moment it arrives.
    const row = await cluster.database.db('messages').where({ id: ack.message.id }).first();
    expect(row).toMatchObject({ sender_id: student.id, client_message_id: clientMessageId, body: 'Hello! Can we work on fractions?' });

    const received = await tutorClient.next((event) => event.type === 'message.new');
    expect(received.message).toEqual(ack.message);
    const otherTab = await studentTab2.next((event) => event.type === 'message.new');
    expect(otherTab.message.id).toBe(ack.message.id);
    expect(studentTab1.all('message.new')).toHaveLength(0);
  });

  it('answers a resend of the same client message id with the original ack, storing and delivering nothing new', async () => {
    const { student, tutor } = await newPair();
    const studentClient = await connect(a, student);
    const tutorClient = await connect(b, tutor);
    const clientMessageId = randomUUID();
    const frame = { type: 'message.send', recipientId: tutor.id, clientMessageId, text: 'Are you free on Tuesday?' };

    studentClient.send(frame);
    const first = await ackOf(studentClient, clientMessageId);
    studentClient.send(frame);
    const second = await ackOf(studentClient, clientMessageId);
    expect(second).toMatchObject({ duplicate: true, message: first.message });
    expect(await cluster.database.db('messages').where({ sender_id: student.id, client_message_id: clientMessageId }).count({ n: '*' })).toEqual([{ n: '1' }]);

    // Events for one user travel in order: had the resend been delivered, it would come before this one.
    const laterId = randomUUID();
    studentClient.send({ type: 'message.send', conversationId: first.message.conversationId, clientMessageId: laterId, text: 'Or Wednesday?' });
    await ackOf(studentClient, laterId);
    expect((await tutorClient.next((event) => event.type === 'message.new')).message.id).toBe(first.message.id);
    expect((await tutorClient.next((event) => event.type === 'message.new')).message.clientMessageId).toBe(laterId);
  });

  it('keeps read pointers, tells the other party, and counts unread messages', async () => {
    const { student, tutor } = await newPair();
    const studentClient = await connect(a, student);
    const tutorClient = await connect(b, tutor);
    const ids: string[] = [];
    for (const text of ['one', 'two']) {
      const clientMessageId = randomUUID();
      studentClient.send({ type: 'message.send', recipientId: tutor.id, clientMessageId, text });
      ids.push((await ackOf(studentClient, clientMessageId)).message.id);
    }
    const before = await get(tutor, '/api/conversations');
    expect(before.body.items).toHaveLength(1);
    expect(before.body.items[0]).toMatchObject({ unreadCount: 2, lastMessage: { id: ids[1], text: 'two' }, participant: { id: student.id, role: 'student' } });

    const conversationId = before.body.items[0].id;
    tutorClient.send({ type: 'message.read', ref: 'r1', conversationId, messageId: ids[1] });
    expect(await tutorClient.next((event) => event.ref === 'r1')).toMatchObject({ type: 'ok', for: 'message.read' });
    expect(await studentClient.next((event) => event.type === 'message.read')).toMatchObject({ conversationId, userId: tutor.id, messageId: ids[1] });

    const after = await get(tutor, '/api/conversations');
    expect(after.body.items[0]).toMatchObject({ unreadCount: 0, lastReadMessageId: ids[1] });
    const studentView = await get(student, '/api/conversations');
    expect(studentView.body.items[0]).toMatchObject({ unreadCount: 0, participantLastReadMessageId: ids[1] });

    // The pointer never moves back.
    tutorClient.send({ type: 'message.read', ref: 'r2', conversationId, messageId: ids[0] });
    await tutorClient.next((event) => event.ref === 'r2');
    expect((await get(tutor, '/api/conversations')).body.items[0].lastReadMessageId).toBe(ids[1]);
  });

  it('pages history newest first with a before cursor, with no gap and no repeat', async () => {
    const { student, tutor } = await newPair();
    const studentClient = await connect(a, student);
    const sent: string[] = [];
    for (let index = 0; index < 5; index++) {
      const clientMessageId = randomUUID();
      studentClient.send({ type: 'message.send', recipientId: tutor.id, clientMessageId, text: `message ${index}` });
      sent.push((await ackOf(studentClient, clientMessageId)).message.id);
    }
    const conversationId = (await get(student, '/api/conversations')).body.items[0].id;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Json } = await get(tutor, `/api/conversations/${conversationId}/messages?limit=2${cursor ? `&before=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((message: Json) => message.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...sent].reverse());
  });

  it('answers 404 to anyone outside the conversation, and 403 to admins opening one', async () => {
    const { student, tutor } = await newPair();
    const outsider = await createTestUser(cluster.database.db, cluster.config, 'student');
    const admin = await createTestUser(cluster.database.db, cluster.config, 'admin');
    const opened = await fetch(`${cluster.instances[1]!.baseUrl}/api/conversations`, {
      method: 'POST',
      headers: { ...student.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ participantId: tutor.id }),
    });
    expect(opened.status).toBe(201);
    const conversation = await readJson(opened);
    expect(conversation).toMatchObject({ studentId: student.id, tutorId: tutor.id, lastMessage: null, unreadCount: 0 });

    const again = await fetch(`${cluster.instances[1]!.baseUrl}/api/conversations`, {
      method: 'POST',
      headers: { ...tutor.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ participantId: student.id }),
    });
    expect(again.status).toBe(200);
    expect((await readJson(again)).id).toBe(conversation.id);

    expect((await get(outsider, `/api/conversations/${conversation.id}/messages`)).status).toBe(404);
    expect((await get(outsider, '/api/conversations')).body.items).toEqual([]);
    const withStudent = await fetch(`${cluster.instances[0]!.baseUrl}/api/conversations`, {
      method: 'POST',
      headers: { ...outsider.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ participantId: student.id }),
    });
    expect(withStudent.status).toBe(404);
    const byAdmin = await fetch(`${cluster.instances[0]!.baseUrl}/api/conversations`, {
      method: 'POST',
      headers: { ...admin.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ participantId: tutor.id }),
    });
    expect(byAdmin.status).toBe(403);

    const outsiderClient = await connect(a, outsider);
    outsiderClient.send({ type: 'message.send', ref: 'x', conversationId: conversation.id, clientMessageId: randomUUID(), text: 'hi' });
    expect(await outsiderClient.next((event) => event.ref === 'x')).toMatchObject({ type: 'error', code: 'not_found' });
    expect(await cluster.database.db('messages').where({ conversation_id: conversation.id })).toEqual([]);
  });

  it('masks phone numbers, emails and links before the first paid lesson, records the attempt, and stops once a lesson is booked', async () => {
    const { student, tutor } = await newPair();
    const studentClient = await connect(a, student);
    const tutorClient = await connect(b, tutor);
    const text = 'Text me on +44 7700 900123 or mail me at me@example.com, see https://my.site/cv';

    await insertBooking(cluster.database.db, { studentId: student.id, tutorId: tutor.id }, 'REQUESTED');
    const first = randomUUID();
    studentClient.send({ type: 'message.send', recipientId: tutor.id, clientMessageId: first, text });
    const masked = await ackOf(studentClient, first);
    expect(masked.message.masked).toBe(true);
    expect(masked.message.text).toBe(`Text me on ${MASK_TEXT} or mail me at ${MASK_TEXT}, see ${MASK_TEXT}`);
    expect((await tutorClient.next((event) => event.type === 'message.new')).message.text).toBe(masked.message.text);
    expect((await cluster.database.db('messages').where({ id: masked.message.id }).first()).body).not.toContain('7700');
    const attempt = await cluster.database.db('masked_contact_attempts').where({ message_id: masked.message.id }).first();
    expect(attempt).toMatchObject({ sender_id: student.id, conversation_id: masked.message.conversationId, kinds: ['phone', 'email', 'link'] });

    await insertBooking(cluster.database.db, { studentId: student.id, tutorId: tutor.id }, 'SCHEDULED');
    const second = randomUUID();
    studentClient.send({ type: 'message.send', conversationId: masked.message.conversationId, clientMessageId: second, text });
    const plain = await ackOf(studentClient, second);
    expect(plain.message).toMatchObject({ masked: false, text });
    expect(await cluster.database.db('masked_contact_attempts').where({ message_id: plain.message.id })).toEqual([]);
  });

  it('forwards typing across instances at most once per throttle interval', async () => {
    const { student, tutor } = await newPair();
    const studentClient = await connect(a, student);
    const tutorClient = await connect(b, tutor);
    const opening = randomUUID();
    studentClient.send({ type: 'message.send', recipientId: tutor.id, clientMessageId: opening, text: 'hi' });
    const conversationId = (await ackOf(studentClient, opening)).message.conversationId;

    tutorClient.send({ type: 'typing', conversationId });
    tutorClient.send({ type: 'typing', conversationId });
    tutorClient.send({ type: 'typing', conversationId });
    const reply = randomUUID();
    tutorClient.send({ type: 'message.send', conversationId, clientMessageId: reply, text: 'hello!' });
    await studentClient.next((event) => event.type === 'message.new' && event.message.clientMessageId === reply);
    const typing = studentClient.all('typing');
    expect(typing).toHaveLength(1);
    expect(typing[0]).toMatchObject({ conversationId, userId: tutor.id, state: 'start' });
    expect(Date.parse(typing[0].expiresAt)).toBeGreaterThan(Date.now() - 60_000);

    const outsider = await createTestUser(cluster.database.db, cluster.config, 'tutor');
    const outsiderClient = await connect(a, outsider);
    outsiderClient.send({ type: 'typing', ref: 't', conversationId });
    expect(await outsiderClient.next((event) => event.ref === 't')).toMatchObject({ type: 'error', code: 'not_found' });
  });

  it('attaches a ready file of the sender, which both participants may then download', async () => {
    const { student, tutor } = await newPair();
    const outsider = await createTestUser(cluster.database.db, cluster.config, 'tutor');
    const studentClient = await connect(a, student);
    const fileId = await insertFile(cluster.database.db, student.id);
    const notMine = await insertFile(cluster.database.db, tutor.id);

    const refused = randomUUID();
    studentClient.send({ type: 'message.send', recipientId: tutor.id, clientMessageId: refused, text: 'see attached', attachmentFileId: notMine });
    expect(await ackOf(studentClient, refused)).toMatchObject({ type: 'error', code: 'not_found' });

    const clientMessageId = randomUUID();
    studentClient.send({ type: 'message.send', recipientId: tutor.id, clientMessageId, attachmentFileId: fileId });
    const ack = await ackOf(studentClient, clientMessageId);
    expect(ack.message).toMatchObject({ text: '', attachment: { fileId, filename: 'worksheet.pdf', contentType: 'application/pdf', size: 1234 } });

    expect((await get(tutor, `/api/files/${fileId}/download`)).status).toBe(200);
    expect((await get(outsider, `/api/files/${fileId}/download`)).status).toBe(404);
  });
});
