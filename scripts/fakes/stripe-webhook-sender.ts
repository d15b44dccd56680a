/**
 * Webhooks as Stripe sends them (docs.stripe.com/webhooks): an Event object POSTed as JSON to the
 * endpoint, with a `Stripe-Signature: t=<unix time>,v1=<HMAC-SHA256 of "<t>.<body>" keyed with the
 * endpoint's whsec_ secret>` header (docs.stripe.com/webhooks#verify-manually), so the API's
 * unchanged verification (stripe.webhooks.constructEvent) accepts it. Stripe retries a delivery that
 * is not answered 2xx, with backoff, for days; the fake retries a few times within a minute and
 * then gives up (logged), so it never outlives a test or a dev session by much.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export interface WebhookEndpoint {
  /** e.g. http://127.0.0.1:3000/api/webhooks/stripe */
  url: string;
  /** The endpoint's signing secret, whsec_… (the API's STRIPE_WEBHOOK_SECRET). */
  secret: string;
}

/** Delays between attempts: five tries over about 30 s. */
const RETRY_DELAYS_MS = [1_000, 3_000, 8_000, 18_000];
const DELIVERY_TIMEOUT_MS = 10_000;

/** Stripe's signature header for a payload (what stripe.webhooks.generateTestHeaderString produces). */
export function stripeSignature(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

export function stripeEvent(type: string, object: Record<string, unknown>): Record<string, unknown> {
  return {
    id: `evt_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: '2025-01-27.acacia',
    created: Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

export class WebhookSender {
  private endpoint: WebhookEndpoint | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly log: (line: string) => void = () => undefined) {}

  setEndpoint(endpoint: WebhookEndpoint | undefined): void {
    if (endpoint && !endpoint.secret.startsWith('whsec_')) throw new TypeError('a webhook signing secret starts with whsec_');
    if (endpoint) new URL(endpoint.url);
    this.endpoint = endpoint;
  }

  get configured(): WebhookEndpoint | undefined {
    return this.endpoint;
  }

  /**
   * Sends the event and resolves after the first attempt (so a caller can wait for the API to have
   * seen it); failed attempts are retried in the background. Nothing is sent without an endpoint:
   * tests that deliver their own events are unchanged.
   */
  async send(type: string, object: Record<string, unknown>): Promise<{ eventId: string; status: number | null } | undefined> {
    const endpoint = this.endpoint;
    if (!endpoint) return undefined;
    const event = stripeEvent(type, object);
    const payload = JSON.stringify(event);
    const status = await this.attempt(endpoint, payload);
    if (status === null || status < 200 || status >= 300) {
      const retrying = this.retry(endpoint, payload, event.id as string, type);
      this.inFlight.add(retrying);
      void retrying.finally(() => this.inFlight.delete(retrying));
    }
    return { eventId: event.id as string, status };
  }

  /** Waits for background retries (a closing proxy stops after them, bounded by the delays above). */
  async idle(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private async retry(endpoint: WebhookEndpoint, payload: string, eventId: string, type: string): Promise<void> {
    for (const delay of RETRY_DELAYS_MS) {
      await sleep(delay);
      const status = await this.attempt(endpoint, payload);
      if (status !== null && status >= 200 && status < 300) return;
    }
    this.log(`[stripe] gave up delivering ${type} ${eventId} to ${endpoint.url}`);
  }

  /** One delivery, freshly signed (Stripe signs each attempt with its own timestamp). */
  private async attempt(endpoint: WebhookEndpoint, payload: string): Promise<number | null> {
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': stripeSignature(payload, endpoint.secret), 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
        body: payload,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      this.log(`[stripe] webhook ${JSON.parse(payload).type} → ${response.status}`);
      return response.status;
    } catch (error) {
      this.log(`[stripe] webhook to ${endpoint.url} failed: ${(error as Error).message}`);
      return null;
    }
  }
}
