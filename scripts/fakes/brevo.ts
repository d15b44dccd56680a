/**
 * Brevo's transactional email API (POST /v3/smtp/email), as the official SDK calls it. Every
 * accepted message is recorded for tests and developers to read; failures can be queued to see how
 * the email outbox copes.
 *
 * Inspection: GET /_fake/brevo/messages[?to=address], DELETE /_fake/brevo/messages,
 * POST /_fake/brevo/failures { count, status } (the next `count` sends answer `status`).
 */
import { randomUUID } from 'node:crypto';
import { bodyFields, type FakeService, sendEmpty, sendJson } from './router.js';

export interface RecordedEmail {
  messageId: string;
  receivedAt: string;
  apiKey: string;
  sender: { email: string; name?: string };
  to: { email: string; name?: string }[];
  subject: string;
  htmlContent?: string;
  textContent?: string;
  tags?: string[];
  headers?: Record<string, string>;
  params?: Record<string, unknown>;
}

export interface BrevoFake extends FakeService {
  messages(to?: string): RecordedEmail[];
  failNext(count: number, status: number): void;
}

const PREFIX = '/brevo/v3';

export function createBrevoFake(): BrevoFake {
  let messages: RecordedEmail[] = [];
  let failures: { remaining: number; status: number } = { remaining: 0, status: 500 };

  const messagesTo = (to?: string) => (to ? messages.filter((message) => message.to.some((recipient) => recipient.email.toLowerCase() === to.toLowerCase())) : [...messages]);

  return {
    name: 'brevo',
    messages: messagesTo,
    failNext(count, status) {
      failures = { remaining: count, status };
    },
    reset() {
      messages = [];
      failures = { remaining: 0, status: 500 };
    },
    routes: [
      {
        method: 'POST',
        path: `${PREFIX}/smtp/email`,
        handler: (request, response) => {
          const apiKey = request.headers['api-key'];
          if (typeof apiKey !== 'string' || apiKey === '') {
            return sendJson(response, 401, { code: 'unauthorized', message: 'Key not found' });
          }
          if (failures.remaining > 0) {
            failures.remaining -= 1;
            return sendJson(response, failures.status, { code: 'fake_failure', message: `failure queued through /_fake/brevo/failures` });
          }
          const body = bodyFields(request) as Partial<RecordedEmail> & { templateId?: number };
          const problem = !body.sender?.email
            ? 'sender is missing'
            : !Array.isArray(body.to) || body.to.length === 0 || body.to.some((recipient) => !recipient?.email)
              ? 'to must list recipients with an email'
              : !body.subject && body.templateId === undefined
                ? 'subject is missing'
                : !body.htmlContent && !body.textContent && body.templateId === undefined
                  ? 'htmlContent or textContent is missing'
                  : undefined;
          if (problem) return sendJson(response, 400, { code: 'missing_parameter', message: problem });
          const messageId = `<${randomUUID()}@smtp-relay.mailin.fr>`;
          messages.push({
            messageId,
            receivedAt: new Date().toISOString(),
            apiKey,
            sender: body.sender!,
            to: body.to!,
            subject: body.subject ?? '',
            ...(body.htmlContent ? { htmlContent: body.htmlContent } : {}),
            ...(body.textContent ? { textContent: body.textContent } : {}),
            ...(body.tags ? { tags: body.tags } : {}),
            ...(body.headers ? { headers: body.headers } : {}),
            ...(body.params ? { params: body.params } : {}),
          });
          sendJson(response, 201, { messageId });
        },
      },
      {
        method: 'GET',
        path: '/_fake/brevo/messages',
        handler: (request, response) => sendJson(response, 200, { messages: messagesTo(request.query.get('to') ?? undefined) }),
      },
      {
        method: 'DELETE',
        path: '/_fake/brevo/messages',
        handler: (_request, response) => {
          messages = [];
          sendEmpty(response, 204);
        },
      },
      {
        method: 'POST',
        path: '/_fake/brevo/failures',
        handler: (request, response) => {
          const { count, status } = bodyFields(request);
          if (typeof count !== 'number' || typeof status !== 'number') return sendJson(response, 400, { error: 'send { count: number, status: number }' });
          failures = { remaining: count, status };
          sendEmpty(response, 204);
        },
      },
    ],
  };
}
