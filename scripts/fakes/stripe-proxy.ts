/**
 * A proxy in front of stripe-mock that plays Stripe: its state, its refusals, its test cards and its
 * idempotency. `npm run dev` puts it between the API/worker and the dev stack's stripe-mock; the
 * tests' recording proxy (test/support/stripe-recorder.ts) wraps it to record calls.
 *
 * stripe-mock validates every request against Stripe's OpenAPI spec but keeps no state: a
 * PaymentIntent it returns is always `requires_payment_method`, metadata is never echoed, lists
 * are fixtures, and nothing is ever refused for what happened before. Every request still goes
 * through stripe-mock first (an invalid one is refused as Stripe would); then, with
 * `stateful: true` (the default), the model in ./stripe-state.ts answers what Stripe would have:
 * - idempotency: a POST with a key seen before gets the first answer again (header
 *   `Idempotent-Replayed: true`) without reaching stripe-mock; the same key with other parameters
 *   is refused (400, idempotency_error); a key still in flight answers 409 idempotency_key_in_use;
 * - PaymentIntents through their lifecycle, test cards that decline (402 card_error) or ask for
 *   3-D Secure (requires_action), captures, cancels, refunds, transfers and reversals, each refused
 *   with Stripe's type, code and status where Stripe refuses it (over-refunds, captures of
 *   cancelled, captured or expired holds, transfers above their source charge, …).
 * scripts/fakes/stripe-proxy.md lists every modelled behaviour with the Stripe page it follows.
 *
 * Observable and controllable, for invariant checks and fault tests, from this process (the
 * returned object) or another one (HTTP on the proxy's own port, loopback clients only):
 * - `state()` / `GET /_fake/stripe/state`: per PaymentIntent amount, status, amount_capturable,
 *   amount_received, refunds (amounts, idempotency keys), charge id; per transfer amount,
 *   amount_reversed, source_transaction, transfer_group, destination, reversals; and every
 *   mutating request as (method, path, idempotency key, status, replayed, injected).
 *   `moneyOfBooking(state, bookingId)` sums one booking's; `reset()` / `DELETE` forgets it all;
 * - `failNext()` / `POST /_fake/stripe/faults` `{"failNext": {"count": 2, "status": 503 | "drop" |
 *   "lose-response", "body"?: {...}, "path"?: "/v1/refunds", "method"?: "POST"}, "latencyMs": 800}`:
 *   the next matching requests fail (an answer without reaching stripe-mock; 'drop' closes the
 *   connection before Stripe acts; 'lose-response' lets Stripe act and then closes the connection),
 *   and every request that reaches Stripe takes latencyMs longer (its idempotency key in flight
 *   meanwhile); `GET` shows what is pending, `DELETE` clears it all.
 *   Bounded: latency ≤ 30 s, count ≤ 100 per call, 1000 pending faults;
 * - `expireAuthorization(id)` / `POST /_fake/stripe/payment_intents/{id}/expire`: the card network
 *   lets a hold lapse (the intent becomes canceled, cancellation_reason automatic);
 * - `authenticate(id, succeed)` / `POST /_fake/stripe/payment_intents/{id}/authenticate`
 *   `{"succeed": true}`: the cardholder finishes (or fails) 3-D Secure;
 * - `dispute(id)` / `POST /_fake/stripe/payment_intents/{id}/dispute` `{"reason"?: "fraudulent"}`:
 *   the cardholder disputes the captured charge (refunds refused from then on); answers the
 *   dispute object for the charge.dispute.created event a test delivers;
 * - `forgetIdempotencyKeys()` / `POST /_fake/stripe/forget-idempotency-keys`: Stripe's ~24 hours
 *   passing. Objects stay.
 * The state lives in memory: it is gone when the proxy stops.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticatePaymentIntent, authenticationEvent, handleHostedPage } from './stripe-hosted-pages.js';
import { StripeModel, stripeError, type Answer, type FormValue, type StripeFakeState } from './stripe-state.js';
import { WebhookSender, type WebhookEndpoint } from './stripe-webhook-sender.js';

export { moneyOfBooking } from './stripe-state.js';
export type { WebhookEndpoint } from './stripe-webhook-sender.js';
export type { BookingMoney, FakeMutation, FakePaymentIntent, FakeRefund, FakeReversal, FakeTransfer, FormValue, StripeFakeState } from './stripe-state.js';

/** One request through the proxy; filled in as it is answered. */
export interface StripeExchange {
  method: string;
  /** Path without the query, e.g. /v1/payment_intents. */
  path: string;
  query: Record<string, FormValue>;
  idempotencyKey: string | null;
  body: Record<string, FormValue>;
  /** The status answered; null when the connection was dropped without an answer. */
  status: number | null;
  /** True when answered from the idempotency memory instead of reaching stripe-mock. */
  replayed: boolean;
  /** True when answered (or dropped) by an injected fault instead of stripe-mock. */
  injected: boolean;
  responseBody: unknown;
}

/**
 * A fault to play instead of the normal answer: an answer given without reaching stripe-mock;
 * 'drop' closes the connection before the request reaches Stripe; 'lose-response' lets the request
 * reach Stripe and then closes the connection, as when a worker dies waiting for the answer.
 */
export type StripeFault = { status: number; body: unknown } | 'drop' | 'lose-response';

/** Which requests a queued fault applies to: all when empty. */
export interface FaultMatch {
  method?: string;
  /** A path prefix, e.g. /v1/refunds or /v1/payment_intents/. */
  path?: string;
}

export interface PendingFault {
  fault: StripeFault;
  match: FaultMatch;
}

export interface FaultSettings {
  latencyMs: number;
  pending: PendingFault[];
}

export interface StripeProxyOptions {
  /** Where to forward, e.g. the stripe-mock at http://127.0.0.1:12111. */
  upstream: string;
  /** Default 0: a free port. */
  port?: number;
  host?: string;
  /** Play Stripe's state where stripe-mock cannot (see the file comment). Default true. */
  stateful?: boolean;
  /** Called as each request arrives, with the exchange object the proxy completes as it answers. */
  onRequest?(exchange: StripeExchange): void;
  /** Called once each request has been answered or dropped. */
  onSettled?(exchange: StripeExchange): void;
  /** Where Stripe's webhooks go (signed with its secret); none are sent without it. */
  webhookEndpoint?: WebhookEndpoint;
  /** Webhook deliveries and the hosted pages' outcomes, for a log. */
  log?(line: string): void;
}

export interface StripeProxy {
  url: string;
  port: number;
  /** A copy of everything the fake holds (see the file comment). */
  state(): StripeFakeState;
  /** Forgets every PaymentIntent, refund, transfer, mutation and idempotency key (saved cards and faults stay). */
  reset(): void;
  /** Queues `count` faults for the next requests that match (all requests by default). */
  failNext(count: number, fault: StripeFault, match?: FaultMatch): void;
  /** Every Stripe request waits this long before it is answered; 0 to stop. */
  setLatency(ms: number): void;
  faults(): FaultSettings;
  clearFaults(): void;
  /** The hold of an authorized (requires_capture) PaymentIntent lapses; throws when it cannot. */
  expireAuthorization(paymentIntentId: string): void;
  /** The cardholder finishes 3-D Secure (or fails it) on a requires_action PaymentIntent (and Stripe's webhook goes out, when an endpoint is set). */
  authenticate(paymentIntentId: string, succeed?: boolean): void;
  /** Where Stripe's webhooks go from now on (undefined: nowhere, the default). */
  setWebhookEndpoint(endpoint: WebhookEndpoint | undefined): void;
  /** The cardholder disputes the captured charge: refunds are refused from then on. Returns the dispute object. */
  dispute(paymentIntentId: string, reason?: string): Record<string, unknown>;
  /** Stripe keeps idempotency keys for about 24 hours: this is the day passing. Objects stay. */
  forgetIdempotencyKeys(): void;
  /** The tutor finishes Stripe's hosted onboarding of a connected account created through the fake. */
  onboardAccount(accountId: string): void;
  close(): Promise<void>;
}

export const LATENCY_MAX_MS = 30_000;
export const FAULTS_PER_CALL_MAX = 100;
export const FAULTS_PENDING_MAX = 1_000;
const CONTROL_BODY_MAX_BYTES = 64 * 1024;
const CONTROL_PREFIX = '/_fake/stripe/';
/** The pages the cardholder sees (3-D Secure, saving a card): ./stripe-hosted-pages.ts. */
const HOSTED_PREFIX = `${CONTROL_PREFIX}hosted/`;

/** Stripe's answer to a declined card, as the SDK turns into a StripeCardError. */
export function cardDeclinedBody(paymentIntentId = `pi_declined_${randomBytes(6).toString('hex')}`, message = 'Your card was declined.'): unknown {
  return {
    error: {
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
      message,
      payment_intent: { id: paymentIntentId, object: 'payment_intent', status: 'requires_payment_method' },
    },
  };
}

/** The body Stripe sends with a status, for a fault given only as a status. */
export function defaultErrorBody(status: number): unknown {
  if (status === 402) return cardDeclinedBody();
  if (status === 429) return { error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests hit the API too quickly.' } };
  if (status >= 500) return { error: { type: 'api_error', message: 'An unknown error occurred.' } };
  return { error: { type: 'invalid_request_error', message: `Injected ${status}` } };
}

/** Parses `a[b][0]=x&a[b][1]=y&c=z` into { a: { b: ['x', 'y'] }, c: 'z' }. */
export function parseStripeForm(text: string): Record<string, FormValue> {
  const root: Record<string, FormValue> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const segments = key.replace(/\]/g, '').split('[');
    let node: Record<string, FormValue> = root;
    segments.forEach((segment, index) => {
      const name = segment === '' ? String(Object.keys(node).length) : segment;
      if (index === segments.length - 1) {
        node[name] = value;
      } else {
        if (typeof node[name] !== 'object') node[name] = {};
        node = node[name] as Record<string, FormValue>;
      }
    });
  }
  return arraysFromIndices(root) as Record<string, FormValue>;
}

function arraysFromIndices(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted = Object.fromEntries(keys.map((key) => [key, arraysFromIndices(value[key]!)]));
  if (keys.length > 0 && keys.every((key, index) => key === String(index))) return keys.map((key) => converted[key]!);
  return converted;
}

/** Stripe's idempotency layer (docs.stripe.com/api/idempotent_requests). */
class IdempotencyMemory {
  private readonly saved = new Map<string, { fingerprint: string; answer: Answer }>();
  private readonly inFlight = new Set<string>();

  forget(): void {
    this.saved.clear();
  }

  /** Answers a repeated key from memory, or refuses it; undefined means "go ahead". */
  before(key: string | null, fingerprint: string): Answer | undefined {
    if (!key) return undefined;
    const seen = this.saved.get(key);
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        return stripeError(
          400,
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      }
      return { ...seen.answer, replayed: true };
    }
    if (this.inFlight.has(key)) {
      return stripeError(
        409,
        'invalid_request_error',
        'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through). Please try again later.',
        { code: 'idempotency_key_in_use' },
      );
    }
    this.inFlight.add(key);
    return undefined;
  }

  after(key: string | null, fingerprint: string, answer: Answer): void {
    if (!key) return;
    this.inFlight.delete(key);
    // What Stripe executed is saved: a success, and a card decline (the intent exists, declined).
    // The fake saves no state refusal, so a retry after the state changed is judged anew.
    if ((answer.status >= 200 && answer.status < 300) || answer.status === 402) this.saved.set(key, { fingerprint, answer });
  }
}

const FORWARDED_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'stripe-version', 'stripe-account', 'accept'];
const MUTATING = new Set(['POST', 'DELETE']);
/** Connections kept open to stripe-mock: enough for every request a loaded bench has in flight. */
const UPSTREAM_SOCKETS = 64;

export async function startStripeProxy(options: StripeProxyOptions): Promise<StripeProxy> {
  const upstream = options.upstream.replace(/\/+$/, '');
  const upstreamClient = upstream.startsWith('https:') ? https : http;
  const upstreamAgent = new upstreamClient.Agent({ keepAlive: true, maxSockets: UPSTREAM_SOCKETS });
  const stateful = options.stateful !== false;
  const model = new StripeModel();
  const idempotency = new IdempotencyMemory();
  const webhooks = new WebhookSender(options.log);
  webhooks.setEndpoint(options.webhookEndpoint);
  let pending: PendingFault[] = [];
  let latencyMs = 0;

  const control = {
    failNext(count: number, fault: StripeFault, match: FaultMatch = {}): void {
      if (!Number.isSafeInteger(count) || count < 1 || count > FAULTS_PER_CALL_MAX) throw new RangeError(`count must be an integer from 1 to ${FAULTS_PER_CALL_MAX}`);
      if (pending.length + count > FAULTS_PENDING_MAX) throw new RangeError(`at most ${FAULTS_PENDING_MAX} faults may be pending`);
      for (let i = 0; i < count; i++) pending.push({ fault, match });
    },
    setLatency(ms: number): void {
      if (!Number.isSafeInteger(ms) || ms < 0 || ms > LATENCY_MAX_MS) throw new RangeError(`latencyMs must be an integer from 0 to ${LATENCY_MAX_MS}`);
      latencyMs = ms;
    },
    faults: (): FaultSettings => structuredClone({ latencyMs, pending }),
    clearFaults(): void {
      pending = [];
      latencyMs = 0;
    },
  };

  function takeFault(exchange: StripeExchange): StripeFault | undefined {
    const index = pending.findIndex(
      ({ match }) => (!match.method || match.method.toUpperCase() === exchange.method) && (!match.path || exchange.path.startsWith(match.path)),
    );
    return index === -1 ? undefined : pending.splice(index, 1)[0]!.fault;
  }

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    if (path.startsWith(CONTROL_PREFIX)) {
      void handleControl(req, res, path).catch((error: unknown) => sendJson(res, 500, { error: { type: 'api_error', message: (error as Error).message } }));
      return;
    }
    let exchange: StripeExchange | undefined;
    void handle(req, res, (created) => (exchange = created)).catch((error: unknown) => {
      res.statusCode = 502;
      res.end(JSON.stringify({ error: { type: 'api_error', message: `stripe proxy: ${(error as Error).message}` } }));
      if (exchange) settle(exchange);
    });
  });

  function settle(exchange: StripeExchange): void {
    if (MUTATING.has(exchange.method)) {
      const { method, path, idempotencyKey, status, replayed, injected } = exchange;
      model.recordMutation({ method, path, idempotencyKey, status, replayed, injected });
    }
    options.onSettled?.(exchange);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, created: (exchange: StripeExchange) => void): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://proxy');
    const method = req.method ?? 'GET';
    const idempotencyKey = (req.headers['idempotency-key'] as string | undefined) ?? null;
    const exchange: StripeExchange = {
      method,
      path: url.pathname,
      query: parseStripeForm(url.search.slice(1)),
      idempotencyKey,
      body: parseStripeForm(rawBody),
      status: null,
      replayed: false,
      injected: false,
      responseBody: undefined,
    };
    created(exchange);
    options.onRequest?.(exchange);

    const drop = (): void => {
      req.socket.destroy();
      settle(exchange);
    };

    const fault = takeFault(exchange);
    if (fault === 'drop') {
      exchange.injected = true;
      return drop();
    }
    if (fault !== undefined && fault !== 'lose-response') {
      exchange.injected = true;
      return answer(res, exchange, fault);
    }
    const loseResponse = fault === 'lose-response';

    const fingerprint = `${method} ${url.pathname} ${rawBody}`;
    const early = stateful ? idempotency.before(idempotencyKey, fingerprint) : undefined;
    if (early) {
      exchange.replayed = early.replayed === true;
      if (loseResponse) {
        exchange.injected = true;
        exchange.responseBody = early.body;
        return drop();
      }
      return answer(res, exchange, early);
    }

    // Stripe taking its time: the key is in flight meanwhile, as on Stripe's side.
    if (latencyMs > 0) await sleep(latencyMs);
    let result: Answer;
    try {
      result = await forward(req, method, url, rawBody);
      if (stateful && result.status >= 200 && result.status < 300 && isObject(result.body)) {
        result = model.answer({ method, path: url.pathname, query: exchange.query, body: exchange.body, idempotencyKey, fixture: result.body });
      }
    } catch (error) {
      if (stateful) idempotency.after(idempotencyKey, fingerprint, { status: 502, body: null });
      throw error;
    }
    if (stateful) idempotency.after(idempotencyKey, fingerprint, result);
    if (loseResponse) {
      exchange.injected = true;
      exchange.responseBody = result.body;
      return drop();
    }
    answer(res, exchange, result);
  }

  /**
   * One request to stripe-mock, on a kept-alive connection: a fresh connection (or undici's fetch)
   * per request cost the proxy more CPU than the model does, at thousands of bookings a run.
   */
  function forward(req: http.IncomingMessage, method: string, url: URL, rawBody: string): Promise<Answer> {
    const headers: Record<string, string | number> = {};
    for (const name of FORWARDED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const body = method === 'GET' || method === 'HEAD' || rawBody === '' ? undefined : Buffer.from(rawBody, 'utf8');
    if (body) headers['content-length'] = body.length;
    return new Promise<Answer>((resolve, reject) => {
      const outgoing = upstreamClient.request(`${upstream}${url.pathname}${url.search}`, { method, headers, agent: upstreamAgent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // stripe-mock always answers JSON; keep anything else verbatim.
          }
          resolve({ status: response.statusCode ?? 502, body: parsed });
        });
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  function answer(res: http.ServerResponse, exchange: StripeExchange, result: Answer): void {
    exchange.status = result.status;
    exchange.responseBody = result.body;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': `req_${randomBytes(8).toString('hex')}` };
    if (result.replayed) headers['idempotent-replayed'] = 'true';
    res.writeHead(result.status, headers);
    res.end(typeof result.body === 'string' ? result.body : JSON.stringify(result.body));
    settle(exchange);
  }

  /** The control surface: loopback clients only, JSON in and out. */
  async function handleControl(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    if (!isLoopback(req.socket.remoteAddress)) return sendJson(res, 403, { error: { message: 'The fake Stripe control surface answers loopback clients only' } });
    if (path.startsWith(HOSTED_PREFIX) && stateful && (await handleHostedPage(req, res, path.slice(HOSTED_PREFIX.length), { model, webhooks }))) return;
    let body: Record<string, unknown>;
    try {
      body = await readControlBody(req);
    } catch (error) {
      return sendJson(res, 400, { error: { message: (error as Error).message } });
    }
    const route = `${req.method ?? 'GET'} ${path.slice(CONTROL_PREFIX.length)}`;
    let match: RegExpMatchArray | null;
    try {
      if (route === 'GET state') return sendJson(res, 200, model.state());
      if (route === 'DELETE state') {
        model.reset();
        idempotency.forget();
        return sendJson(res, 200, model.state());
      }
      if (route === 'GET faults') return sendJson(res, 200, control.faults());
      if (route === 'DELETE faults') {
        control.clearFaults();
        return sendJson(res, 200, control.faults());
      }
      if (route === 'POST faults') {
        applyFaults(body);
        return sendJson(res, 200, control.faults());
      }
      if (route === 'PUT webhook-endpoint') {
        webhooks.setEndpoint(typeof body.url === 'string' && typeof body.secret === 'string' ? { url: body.url, secret: body.secret } : undefined);
        return sendJson(res, 200, { endpoint: webhooks.configured ?? null });
      }
      if (route === 'POST forget-idempotency-keys') {
        idempotency.forget();
        return sendJson(res, 200, { forgotten: true });
      }
      if ((match = route.match(/^POST accounts\/([^/]+)\/onboard$/))) {
        const result = model.onboardAccount(match[1]!);
        return sendJson(res, result.status, result.body);
      }
      if ((match = route.match(/^POST payment_intents\/([^/]+)\/(expire|authenticate|dispute)$/))) {
        const [, id, action] = match as [string, string, string];
        const result =
          action === 'expire'
            ? model.expireAuthorization(id)
            : action === 'dispute'
              ? model.dispute(id, typeof body.reason === 'string' ? body.reason : undefined)
              : await authenticatePaymentIntent(model, webhooks, id, body.succeed !== false);
        return sendJson(res, result.status, result.body);
      }
    } catch (error) {
      if (error instanceof RangeError || error instanceof TypeError) return sendJson(res, 400, { error: { message: error.message } });
      throw error;
    }
    sendJson(res, 404, { error: { message: `No fake Stripe control at ${route}` } });
  }

  /** Validates all of a POST /_fake/stripe/faults body before applying any of it. */
  function applyFaults(body: Record<string, unknown>): void {
    const { latencyMs: latency, failNext } = body;
    if (latency !== undefined && (typeof latency !== 'number' || !Number.isSafeInteger(latency) || latency < 0 || latency > LATENCY_MAX_MS)) {
      throw new RangeError(`latencyMs must be an integer from 0 to ${LATENCY_MAX_MS}`);
    }
    let queued: { count: number; fault: StripeFault; match: FaultMatch } | undefined;
    if (failNext !== undefined) {
      if (!isObject(failNext)) throw new TypeError('failNext must be an object {count, status, body?, path?, method?}');
      const { count, status, body: errorBody, path, method } = failNext;
      if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1 || count > FAULTS_PER_CALL_MAX) throw new RangeError(`failNext.count must be an integer from 1 to ${FAULTS_PER_CALL_MAX}`);
      let fault: StripeFault;
      if (status === 'drop' || status === 'lose-response') fault = status;
      else if (typeof status === 'number' && Number.isInteger(status) && status >= 200 && status <= 599) fault = { status, body: errorBody ?? defaultErrorBody(status) };
      else throw new TypeError("failNext.status must be an HTTP status (200-599), 'drop' or 'lose-response'");
      if (path !== undefined && typeof path !== 'string') throw new TypeError('failNext.path must be a path prefix');
      if (method !== undefined && typeof method !== 'string') throw new TypeError('failNext.method must be an HTTP method');
      queued = { count, fault, match: { ...(path ? { path } : {}), ...(method ? { method } : {}) } };
    }
    if (queued) control.failNext(queued.count, queued.fault, queued.match);
    if (latency !== undefined) control.setLatency(latency);
  }

  await new Promise<void>((resolve, reject) => {
    const refuse = (error: Error) => reject(new Error(`stripe proxy: cannot listen on port ${options.port ?? 0}: ${error.message}`));
    server.once('error', refuse);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', refuse);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;

  return {
    url: `http://${address}:${port}`,
    port,
    state: () => model.state(),
    reset() {
      model.reset();
      idempotency.forget();
    },
    ...control,
    expireAuthorization(paymentIntentId) {
      const result = model.expireAuthorization(paymentIntentId);
      if (result.status !== 200) throw new Error(`cannot expire ${paymentIntentId}: ${JSON.stringify(result.body)}`);
    },
    authenticate(paymentIntentId, succeed = true) {
      const result = model.authenticate(paymentIntentId, succeed);
      if (result.status !== 200) throw new Error(`cannot authenticate ${paymentIntentId}: ${JSON.stringify(result.body)}`);
      const intent = result.body as Record<string, unknown>;
      void webhooks.send(authenticationEvent(succeed, intent), intent);
    },
    setWebhookEndpoint(endpoint) {
      webhooks.setEndpoint(endpoint);
    },
    dispute(paymentIntentId, reason) {
      const result = model.dispute(paymentIntentId, reason);
      if (result.status !== 200) throw new Error(`cannot dispute ${paymentIntentId}: ${JSON.stringify(result.body)}`);
      return result.body as Record<string, unknown>;
    },
    forgetIdempotencyKeys() {
      idempotency.forget();
    },
    onboardAccount(accountId) {
      const result = model.onboardAccount(accountId);
      if (result.status !== 200) throw new Error(`cannot onboard ${accountId}: ${JSON.stringify(result.body)}`);
    },
    async close() {
      webhooks.setEndpoint(undefined);
      upstreamAgent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readControlBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > CONTROL_BODY_MAX_BYTES) throw new Error(`The body may be at most ${CONTROL_BODY_MAX_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('The body must be JSON');
  }
  if (!isObject(parsed)) throw new Error('The body must be a JSON object');
  return parsed;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
