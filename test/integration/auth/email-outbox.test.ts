/**
 * The email outbox against a real database and the Brevo fake, through the real Brevo SDK.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBrevoTransport } from '../../../integrations/brevo.js';
import { EmailSender, type EmailMessage } from '../../../platform/email/email-sender.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testConfig } from '../../support/harness.js';
import { startTestFakes, type TestFakes } from '../../support/fakes.js';

let fakes: TestFakes;
let database: TestDatabase;
let sender: EmailSender;

beforeAll(async () => {
  fakes = await startTestFakes();
  database = await createTestDatabase();
  const config = testConfig(fakes.overrides);
  // A 1 ms first retry so a test can retry at once; the doubling still applies.
  sender = new EmailSender({ db: database.db, transport: createBrevoTransport(config.brevo), logger: pino({ level: 'silent' }), retryIntervalMs: 1 });
});
afterAll(async () => {
  await database?.drop();
  await fakes?.close();
});
beforeEach(() => fakes.fakes.reset());

function message(overrides: Partial<EmailMessage<'verify-email'>> = {}): EmailMessage<'verify-email'> {
  const email = `outbox-${randomUUID().slice(0, 8)}@example.test`;
  return {
    dedupeKey: `test:${randomUUID()}`,
    template: 'verify-email',
    to: { email, name: 'Ada' },
    params: { displayName: 'Ada', link: 'https://app.example.test/verify-email?token=secret-token', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), timeZone: 'UTC' },
    sensitive: true,
    ...overrides,
  };
}

const row = (id: string) => database.db('email_outbox').where({ id }).first();

describe('email outbox', () => {
  it('enqueues a dedupe key once, however often it is asked to', async () => {
    const first = message();
    const [a] = await sender.enqueue([first]);
    const [b] = await sender.enqueue([{ ...first, params: { ...first.params, displayName: 'Someone else' } }]);
    expect(b!.id).toBe(a!.id);
    expect(await database.db('email_outbox').where({ dedupe_key: first.dedupeKey }).count({ n: '*' })).toEqual([{ n: '1' }]);
  });

  it('writes nothing when the enqueueing transaction rolls back', async () => {
    const lost = message();
    await expect(
      database.db.transaction(async (trx) => {
        await sender.enqueue([lost], trx);
        throw new Error('the change that caused the email failed');
      }),
    ).rejects.toThrow(/failed/);
    expect(await database.db('email_outbox').where({ dedupe_key: lost.dedupeKey }).first()).toBeUndefined();
  });

  it('refuses params the template does not accept, before anything is written', async () => {
    const bad = { ...message(), params: { displayName: 'Ada' } } as unknown as EmailMessage;
    await expect(sender.enqueue([bad])).rejects.toThrow();
    expect(await database.db('email_outbox').where({ dedupe_key: bad.dedupeKey }).first()).toBeUndefined();
  });

  it('sends a message once even when several senders race for it, then erases a sensitive one', async () => {
    const queued = message();
    const [stored] = await sender.enqueue([queued]);
    const reports = await Promise.all([sender.deliver([stored!.id]), sender.deliver([stored!.id]), sender.deliver([stored!.id])]);
    expect(reports.reduce((sum, report) => sum + report.sent, 0)).toBe(1);

    const received = fakes.fakes.brevo.messages(queued.to.email);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ subject: 'Confirm your email address', to: [{ email: queued.to.email, name: 'Ada' }], tags: ['verify-email'], headers: { 'X-Tutorflow-Message-Key': queued.dedupeKey } });
    expect(received[0]!.apiKey).toBe(testConfig().brevo.apiKey);

    const sent = await row(stored!.id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, params: {}, provider_message_id: received[0]!.messageId });
    expect((await sender.deliver([stored!.id])).sent).toBe(0);
    expect(fakes.fakes.brevo.messages(queued.to.email)).toHaveLength(1);
  });

  it('retries when Brevo is unavailable, and sends once it is back', async () => {
    const queued = message({ sensitive: false });
    const [stored] = await sender.enqueue([queued]);
    fakes.fakes.brevo.failNext(1, 503);

    expect(await sender.deliver([stored!.id])).toEqual({ sent: 0, retrying: 1, failed: 0 });
    const waiting = await row(stored!.id);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringMatching(/503/) });
    expect(waiting.params.displayName).toBe('Ada');

    await expect.poll(async () => (await sender.deliver([stored!.id])).sent).toBe(1);
    expect(await row(stored!.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(fakes.fakes.brevo.messages(queued.to.email)).toHaveLength(1);
  });

  it('gives up at once when Brevo refuses the message itself', async () => {
    const queued = message();
    const [stored] = await sender.enqueue([queued]);
    fakes.fakes.brevo.failNext(1, 400);
    expect(await sender.deliver([stored!.id])).toEqual({ sent: 0, retrying: 0, failed: 1 });
    expect(await row(stored!.id)).toMatchObject({ status: 'failed', attempts: 1, params: {} });
  });

  it('never resends a message whose sender died mid-send', async () => {
    const queued = message();
    const [stored] = await sender.enqueue([queued]);
    await database.db('email_outbox').where({ id: stored!.id }).update({ status: 'sending', attempts: 1, claimed_at: new Date(Date.now() - 3_600_000) });
    expect(await sender.failAbandoned(10 * 60_000)).toBeGreaterThanOrEqual(1);
    expect(await row(stored!.id)).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/cannot be delivered twice/) });
    expect((await sender.deliver([stored!.id])).sent).toBe(0);
    expect(fakes.fakes.brevo.messages(queued.to.email)).toHaveLength(0);
  });
});
