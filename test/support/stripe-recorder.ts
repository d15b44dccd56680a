/**
 * A recording proxy in front of the test stack's stripe-mock: tests point STRIPE_API_BASE at it and
 * then assert which calls, amounts and idempotency keys were sent, and simulate outages.
 *
 * It wraps the stateful Stripe proxy of scripts/fakes/stripe-proxy.ts (the one `npm run dev` runs),
 * which plays the Stripe state stripe-mock does not keep (idempotency-key replay, PaymentIntent
 * statuses, refunds and transfers echoed and listed); see that file for what exactly. This adds
 * the recording and the failure injection.
 */
import { randomBytes } from 'node:crypto';
import { stackEnv } from '../../scripts/stack/env.js';
import { startStripeProxy, type StripeExchange } from '../../scripts/fakes/stripe-proxy.js';

export { parseStripeForm, type FormValue } from '../../scripts/fakes/stripe-proxy.js';

export type RecordedRequest = StripeExchange;

/**
 * How to fail: an HTTP status (answered with a Stripe error body for it, or the body given);
 * 'drop' closes the connection before the request reaches Stripe; 'lose-response' lets the request
 * reach Stripe and then closes the connection, as when a worker dies waiting for the answer.
 */
export type InjectedFailure = number | 'drop' | 'lose-response';

export interface StripeRecorder {
  url: string;
  requests(filter?: { method?: string; path?: string | RegExp }): RecordedRequest[];
  clear(): void;
  failNext(count: number, failure: InjectedFailure, body?: unknown): void;
  /** Stripe keeps idempotency keys for about 24 hours: this is the day passing. Objects stay. */
  forgetIdempotencyKeys(): void;
  close(): Promise<void>;
}

export interface StripeRecorderOptions {
  /** Where to forward; the test stack's stripe-mock unless given. */
  target?: string;
  /** Play Stripe's state where stripe-mock cannot (see scripts/fakes/stripe-proxy.ts). Default true. */
  stateful?: boolean;
}

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

function defaultErrorBody(status: number): unknown {
  if (status === 402) return cardDeclinedBody();
  if (status === 429) return { error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests hit the API too quickly.' } };
  if (status >= 500) return { error: { type: 'api_error', message: 'An unknown error occurred.' } };
  return { error: { type: 'invalid_request_error', message: `Injected ${status}` } };
}

export async function startStripeRecorder(options: StripeRecorderOptions = {}): Promise<StripeRecorder> {
  let recorded: RecordedRequest[] = [];
  const failures: { failure: InjectedFailure; body?: unknown }[] = [];

  const proxy = await startStripeProxy({
    upstream: options.target ?? stackEnv('test').STRIPE_API_BASE!,
    ...(options.stateful === undefined ? {} : { stateful: options.stateful }),
    onRequest: (exchange) => recorded.push(exchange),
    nextFault: () => {
      const next = failures.shift();
      if (next === undefined) return undefined;
      const { failure, body } = next;
      return typeof failure === 'number' ? { status: failure, body: body ?? defaultErrorBody(failure) } : failure;
    },
  });

  return {
    url: proxy.url,
    requests(filter = {}) {
      return recorded.filter(
        (request) =>
          (!filter.method || request.method === filter.method) &&
          (filter.path === undefined || (typeof filter.path === 'string' ? request.path === filter.path : filter.path.test(request.path))),
      );
    },
    clear() {
      recorded = [];
    },
    failNext(count, failure, body) {
      for (let i = 0; i < count; i++) failures.push({ failure, ...(body === undefined ? {} : { body }) });
    },
    forgetIdempotencyKeys() {
      proxy.forgetIdempotencyKeys();
    },
    close: () => proxy.close(),
  };
}
