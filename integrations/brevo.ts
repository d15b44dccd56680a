/**
 * Transactional email through Brevo's official SDK. BREVO_API_BASE points the SDK at the local fake
 * in development and tests (empty means Brevo itself). The SDK's own retries are off: a retry of a
 * send that reached Brevo could deliver the message twice, so the email outbox decides about retries.
 */
import { BrevoClient, BrevoError, BrevoTimeoutError } from '@getbrevo/brevo';
import type { Config } from '../domain/config.js';

export interface OutgoingEmail {
  to: { email: string; name?: string };
  subject: string;
  html: string;
  text: string;
  /** Brevo tags, for filtering in its dashboard (we tag with the template name). */
  tags?: string[];
  /** Custom email headers. */
  headers?: Record<string, string>;
}

export interface EmailTransport {
  send(email: OutgoingEmail): Promise<{ messageId: string | null }>;
}

/** A send that failed; `retryable` only when the message certainly did not go out and may later. */
export class EmailDeliveryError extends Error {
  override name = 'EmailDeliveryError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const SEND_TIMEOUT_SECONDS = 15;
/** Statuses after which Brevo has refused the message and another attempt may succeed. */
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);
/** Errors raised before the request reached Brevo: the message was certainly not sent. */
const NOT_CONNECTED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

export function toDeliveryError(error: unknown): EmailDeliveryError {
  if (error instanceof BrevoTimeoutError) {
    // Brevo may have accepted the message before the answer timed out.
    return new EmailDeliveryError('Brevo did not answer in time; the message may have been sent', false, { cause: error });
  }
  if (error instanceof BrevoError) {
    if (error.statusCode !== undefined) {
      return new EmailDeliveryError(`Brevo answered ${error.statusCode}: ${error.message}`, RETRYABLE_STATUSES.has(error.statusCode), { cause: error });
    }
    const codes = errorCodes(error);
    const notSent = codes.some((code) => NOT_CONNECTED_CODES.has(code));
    return new EmailDeliveryError(`Brevo could not be reached (${codes.join(', ') || error.message})`, notSent, { cause: error });
  }
  return new EmailDeliveryError(error instanceof Error ? error.message : String(error), false, { cause: error });
}

export function createBrevoTransport(brevo: Config['brevo']): EmailTransport {
  const client = new BrevoClient({
    apiKey: brevo.apiKey,
    ...(brevo.apiBase ? { baseUrl: brevo.apiBase } : {}),
    maxRetries: 0,
    timeoutInSeconds: SEND_TIMEOUT_SECONDS,
  });
  return {
    async send(email) {
      try {
        const result = await client.transactionalEmails.sendTransacEmail({
          sender: { email: brevo.from, name: 'Tutorflow' },
          to: [email.to.name ? { email: email.to.email, name: email.to.name } : { email: email.to.email }],
          subject: email.subject,
          htmlContent: email.html,
          textContent: email.text,
          ...(email.tags ? { tags: email.tags } : {}),
          ...(email.headers ? { headers: email.headers } : {}),
        });
        return { messageId: result.messageId ?? null };
      } catch (error) {
        throw toDeliveryError(error);
      }
    },
  };
}
