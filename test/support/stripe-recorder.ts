/**
 * A recording proxy in front of the test stack's stripe-mock: tests point STRIPE_API_BASE at it and
 * then assert which calls, amounts and idempotency keys were sent, simulate outages, and check
 * invariants against what the fake Stripe holds.
 *
 * It wraps the Stripe proxy of scripts/fakes/stripe-proxy.ts (the one `npm run dev` runs), which
 * plays Stripe's state and refusals in front of stripe-mock (see that file and
 * scripts/fakes/stripe-proxy.md for exactly what). This adds the recording; faults, latency,
 * expired holds, 3-D Secure and `state()` are the proxy's, reachable from other processes too at
 * `${url}/_fake/stripe/…`.
 *
 * For invariant checks: `state()` is Stripe's view (per PaymentIntent: amount, status,
 * amountCapturable, amountReceived, amountRefunded, chargeId, refunds with amounts and idempotency
 * keys; per transfer: amount, amountReversed, sourceTransaction, transferGroup, destination,
 * reversals; every mutating request as method, path, idempotency key, status, replayed, injected);
 * `money(bookingId)` sums one booking's (held, captured, refunded, transferred, reversed, its keyed
 * mutations); `reset()` empties it between sequences.
 */
import { stackEnv } from '../../scripts/stack/env.js';
import {
  defaultErrorBody,
  startStripeProxy,
  type FaultMatch,
  moneyOfBooking,
  type BookingMoney,
  type FaultSettings,
  type StripeExchange,
  type StripeFakeState,
  type WebhookEndpoint,
} from '../../scripts/fakes/stripe-proxy.js';

export { cardDeclinedBody, moneyOfBooking, parseStripeForm, type BookingMoney, type FormValue, type StripeFakeState } from '../../scripts/fakes/stripe-proxy.js';

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
  /** The next `count` requests (matching `match`, if given) fail this way. */
  failNext(count: number, failure: InjectedFailure, body?: unknown, match?: FaultMatch): void;
  /** Every request waits this long first; 0 to stop. */
  setLatency(ms: number): void;
  faults(): FaultSettings;
  /** Drops pending failures and the latency. */
  clearFaults(): void;
  /** What the fake Stripe holds: PaymentIntents, refunds, transfers, reversals, every mutation. */
  state(): StripeFakeState;
  /** One booking's money as Stripe holds it (see moneyOfBooking). */
  money(bookingId: string): BookingMoney;
  /** Forgets every Stripe object, mutation and idempotency key (recorded requests: clear()). */
  reset(): void;
  /** The card network lets an authorized PaymentIntent's hold lapse (it becomes canceled). */
  expireAuthorization(paymentIntentId: string): void;
  /** The student finishes (or fails) 3-D Secure on a requires_action PaymentIntent. */
  authenticate(paymentIntentId: string, succeed?: boolean): void;
  /** The student disputes the captured charge with their bank: refunds are refused from then on. Returns the dispute object. */
  dispute(paymentIntentId: string, reason?: string): Record<string, unknown>;
  /** Stripe keeps idempotency keys for about 24 hours: this is the day passing. Objects stay. */
  forgetIdempotencyKeys(): void;
  /** Stripe's webhooks go to this endpoint, signed (none are sent until one is set). */
  setWebhookEndpoint(endpoint: WebhookEndpoint | undefined): void;
  /** The tutor finishes Stripe's hosted onboarding of a connected account created through the fake. */
  onboardAccount(accountId: string): void;
  close(): Promise<void>;
}

export interface StripeRecorderOptions {
  /** Where to forward; the test stack's stripe-mock unless given. */
  target?: string;
  /** Play Stripe's state where stripe-mock cannot (see scripts/fakes/stripe-proxy.ts). Default true. */
  stateful?: boolean;
}

export async function startStripeRecorder(options: StripeRecorderOptions = {}): Promise<StripeRecorder> {
  let recorded: RecordedRequest[] = [];

  const proxy = await startStripeProxy({
    upstream: options.target ?? stackEnv('test').STRIPE_API_BASE!,
    ...(options.stateful === undefined ? {} : { stateful: options.stateful }),
    onRequest: (exchange) => recorded.push(exchange),
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
    failNext(count, failure, body, match) {
      proxy.failNext(count, typeof failure === 'number' ? { status: failure, body: body ?? defaultErrorBody(failure) } : failure, match);
    },
    setLatency: (ms) => proxy.setLatency(ms),
    faults: () => proxy.faults(),
    clearFaults: () => proxy.clearFaults(),
    state: () => proxy.state(),
    money: (bookingId) => moneyOfBooking(proxy.state(), bookingId),
    reset: () => proxy.reset(),
    expireAuthorization: (id) => proxy.expireAuthorization(id),
    authenticate: (id, succeed) => proxy.authenticate(id, succeed),
    dispute: (id, reason) => proxy.dispute(id, reason),
    forgetIdempotencyKeys: () => proxy.forgetIdempotencyKeys(),
    setWebhookEndpoint: (endpoint) => proxy.setWebhookEndpoint(endpoint),
    onboardAccount: (accountId) => proxy.onboardAccount(accountId),
    close: () => proxy.close(),
  };
}
