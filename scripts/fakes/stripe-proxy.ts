/**
 * A proxy in front of stripe-mock that plays the Stripe state a booking depends on. `npm run dev`
 * puts it between the API/worker and the dev stack's stripe-mock; the tests' recording proxy
 * (test/support/stripe-recorder.ts) wraps it to record calls and inject failures.
 *
 * stripe-mock validates every request against Stripe's OpenAPI spec but keeps no state: a
 * PaymentIntent it returns is always `requires_payment_method`, metadata is never echoed, lists
 * are fixtures. So that a booking can run its whole life against it, the proxy (with
 * `stateful: true`, the default) also plays:
 * - idempotency: a POST with a key seen before gets the first answer again (header
 *   `Idempotent-Replayed: true`) without reaching stripe-mock; the same key with other parameters is
 *   refused with an idempotency_error; a key in flight answers 409, as Stripe does;
 * - PaymentIntents: a confirmed manual-capture intent is `requires_capture`, capture makes it
 *   `succeeded` with a charge, cancel makes it `canceled`; capturing or cancelling an intent in the
 *   wrong state is refused with `payment_intent_unexpected_state`;
 * - refunds, transfers and reversals echo what was sent (metadata, amounts, groups), and listing
 *   refunds by payment_intent or transfers by transfer_group returns the ones created here.
 * Every request still goes through stripe-mock first, so an invalid one is refused as Stripe would.
 * The state lives in memory: it is gone when the proxy stops.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A parsed Stripe form body: nested keys (`metadata[bookingId]`) as objects, indexed keys as arrays. */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };

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
  /** Asked once per request: a fault to play for it, or undefined to answer normally. */
  nextFault?(): StripeFault | undefined;
}

export interface StripeProxy {
  url: string;
  port: number;
  /** Stripe keeps idempotency keys for about 24 hours: this is the day passing. Objects stay. */
  forgetIdempotencyKeys(): void;
  close(): Promise<void>;
}

function stripeError(status: number, code: string, message: string): { status: number; body: unknown } {
  return { status, body: { error: { type: status === 409 || code === 'idempotency_error' ? 'idempotency_error' : 'invalid_request_error', code, message } } };
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

type Json = Record<string, unknown>;

interface Answer {
  status: number;
  body: unknown;
  replayed?: boolean;
}

/** The Stripe state stripe-mock does not keep. */
class StripeState {
  private readonly idempotent = new Map<string, { fingerprint: string; answer: Answer }>();
  private readonly inFlight = new Set<string>();
  private readonly paymentIntents = new Map<string, Json>();
  private readonly refunds: Json[] = [];
  private readonly transfers: Json[] = [];

  forgetKeys(): void {
    this.idempotent.clear();
  }

  /** Answers a repeated key from memory, or refuses it; undefined means "go ahead". */
  before(key: string | null, fingerprint: string): Answer | undefined {
    if (!key) return undefined;
    const seen = this.idempotent.get(key);
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        return stripeError(400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`);
      }
      return { ...seen.answer, replayed: true };
    }
    if (this.inFlight.has(key)) return stripeError(409, 'idempotency_error', 'There is currently another in-progress request using this Stripe-Idempotency-Key.');
    this.inFlight.add(key);
    return undefined;
  }

  after(key: string | null, fingerprint: string, answer: Answer): void {
    if (!key) return;
    this.inFlight.delete(key);
    // Stripe saves no result for a request refused by validation; a 2xx is what must not run twice.
    if (answer.status >= 200 && answer.status < 300) this.idempotent.set(key, { fingerprint, answer });
  }

  /** Rewrites stripe-mock's fixture answer into what Stripe would have answered. */
  shape(method: string, path: string, query: Record<string, FormValue>, body: Record<string, FormValue>, fixture: Json): Answer {
    const ok = (json: Json): Answer => ({ status: 200, body: json });
    const metadata = (body.metadata as Json | undefined) ?? {};
    let match: RegExpMatchArray | null;

    if (method === 'POST' && path === '/v1/payment_intents') {
      const confirmed = body.confirm === 'true';
      const manual = body.capture_method === 'manual';
      const amount = Number(body.amount);
      const intent: Json = {
        ...fixture,
        amount,
        metadata,
        transfer_group: body.transfer_group ?? null,
        last_payment_error: null,
        next_action: null,
        canceled_at: null,
        status: confirmed ? (manual ? 'requires_capture' : 'succeeded') : body.payment_method ? 'requires_confirmation' : 'requires_payment_method',
        amount_capturable: confirmed && manual ? amount : 0,
        amount_received: confirmed && !manual ? amount : 0,
        latest_charge: confirmed ? `ch_${randomBytes(8).toString('hex')}` : null,
      };
      this.paymentIntents.set(String(intent.id), intent);
      return ok(intent);
    }
    if ((match = path.match(/^\/v1\/payment_intents\/([^/]+)\/(capture|cancel)$/)) && method === 'POST') {
      const [, id, action] = match as [string, string, 'capture' | 'cancel'];
      const known = this.paymentIntents.get(id);
      const intent: Json = known ?? { ...fixture, status: 'requires_capture', amount_capturable: fixture.amount, latest_charge: `ch_${randomBytes(8).toString('hex')}` };
      if (action === 'capture') {
        if (intent.status !== 'requires_capture') {
          return stripeError(400, 'payment_intent_unexpected_state', `This PaymentIntent could not be captured because it has a status of ${String(intent.status)}.`);
        }
        const captured = body.amount_to_capture ? Number(body.amount_to_capture) : Number(intent.amount);
        Object.assign(intent, { status: 'succeeded', amount_received: captured, amount_capturable: 0 });
      } else {
        if (intent.status === 'succeeded' || intent.status === 'canceled') {
          return stripeError(400, 'payment_intent_unexpected_state', `You cannot cancel this PaymentIntent because it has a status of ${String(intent.status)}.`);
        }
        Object.assign(intent, { status: 'canceled', amount_capturable: 0, canceled_at: Math.floor(Date.now() / 1000), cancellation_reason: body.cancellation_reason ?? null });
      }
      this.paymentIntents.set(id, intent);
      return ok(intent);
    }
    if ((match = path.match(/^\/v1\/payment_intents\/([^/]+)$/)) && method === 'GET') {
      const known = this.paymentIntents.get(match[1]!);
      return ok(known ?? fixture);
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const intent = this.paymentIntents.get(String(body.payment_intent));
      const refund: Json = {
        ...fixture,
        amount: body.amount ? Number(body.amount) : Number(intent?.amount_received ?? fixture.amount),
        payment_intent: body.payment_intent ?? null,
        charge: intent?.latest_charge ?? fixture.charge,
        metadata,
        reason: body.reason ?? null,
      };
      this.refunds.unshift(refund);
      return ok(refund);
    }
    if (method === 'GET' && path === '/v1/refunds') {
      const data = this.refunds.filter((refund) => !query.payment_intent || refund.payment_intent === query.payment_intent);
      return ok({ ...fixture, data, has_more: false });
    }
    if (method === 'POST' && path === '/v1/transfers') {
      const transfer: Json = {
        ...fixture,
        amount: Number(body.amount),
        currency: body.currency,
        destination: body.destination,
        source_transaction: body.source_transaction ?? null,
        transfer_group: body.transfer_group ?? null,
        metadata,
        amount_reversed: 0,
        reversed: false,
      };
      this.transfers.unshift(transfer);
      return ok(transfer);
    }
    if (method === 'GET' && path === '/v1/transfers') {
      const data = this.transfers.filter((transfer) => !query.transfer_group || transfer.transfer_group === query.transfer_group);
      return ok({ ...fixture, data, has_more: false });
    }
    if ((match = path.match(/^\/v1\/transfers\/([^/]+)\/reversals$/)) && method === 'POST') {
      return ok({ ...fixture, transfer: match[1], amount: Number(body.amount), metadata });
    }
    if (method === 'POST' && path === '/v1/customers') {
      return ok({ ...fixture, metadata, email: body.email ?? null });
    }
    return ok(fixture);
  }
}

const FORWARDED_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'stripe-version', 'stripe-account', 'accept'];

export async function startStripeProxy(options: StripeProxyOptions): Promise<StripeProxy> {
  const upstream = options.upstream.replace(/\/+$/, '');
  const state = options.stateful === false ? null : new StripeState();

  const server = http.createServer((req, res) => {
    let exchange: StripeExchange | undefined;
    void handle(req, res, (created) => (exchange = created)).catch((error: unknown) => {
      res.statusCode = 502;
      res.end(JSON.stringify({ error: { type: 'api_error', message: `stripe proxy: ${(error as Error).message}` } }));
      if (exchange) options.onSettled?.(exchange);
    });
  });

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
      options.onSettled?.(exchange);
    };

    const fault = options.nextFault?.();
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
    const early = state?.before(idempotencyKey, fingerprint);
    if (early) {
      exchange.replayed = early.replayed === true;
      if (loseResponse) {
        exchange.injected = true;
        exchange.responseBody = early.body;
        return drop();
      }
      return answer(res, exchange, early);
    }

    let result: Answer;
    try {
      result = await forward(req, method, url, rawBody);
      if (state && result.status >= 200 && result.status < 300 && isObject(result.body)) {
        result = state.shape(method, url.pathname, exchange.query, exchange.body, result.body);
      }
    } catch (error) {
      state?.after(idempotencyKey, fingerprint, { status: 502, body: null });
      throw error;
    }
    state?.after(idempotencyKey, fingerprint, result);
    if (loseResponse) {
      exchange.injected = true;
      exchange.responseBody = result.body;
      return drop();
    }
    answer(res, exchange, result);
  }

  async function forward(req: http.IncomingMessage, method: string, url: URL, rawBody: string): Promise<Answer> {
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const response = await fetch(`${upstream}${url.pathname}${url.search}`, {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' || rawBody === '' ? {} : { body: rawBody }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // stripe-mock always answers JSON; keep anything else verbatim.
    }
    return { status: response.status, body };
  }

  function answer(res: http.ServerResponse, exchange: StripeExchange, result: Answer): void {
    exchange.status = result.status;
    exchange.responseBody = result.body;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': `req_${randomBytes(8).toString('hex')}` };
    if (result.replayed) headers['idempotent-replayed'] = 'true';
    res.writeHead(result.status, headers);
    res.end(typeof result.body === 'string' ? result.body : JSON.stringify(result.body));
    options.onSettled?.(exchange);
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
    forgetIdempotencyKeys() {
      state?.forgetKeys();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
