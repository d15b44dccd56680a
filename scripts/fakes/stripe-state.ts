/**
 * The Stripe state stripe-mock does not keep, and Stripe's refusals that depend on it: the model
 * behind scripts/fakes/stripe-proxy.ts. Pure bookkeeping, no HTTP: the proxy forwards each request
 * to stripe-mock first (which validates it against Stripe's OpenAPI spec) and then asks this model
 * what Stripe would have answered. Every behaviour and the Stripe page it follows is listed in
 * scripts/fakes/stripe-proxy.md.
 *
 * Objects this model never saw created (an id from another proxy run, a test's injected answer) are
 * answered with stripe-mock's fixture as before: the fake is strict about what it knows, lenient
 * about what it cannot know.
 */
import { randomBytes } from 'node:crypto';
import { PaymentMethodAttachments } from './stripe-payment-methods.js';
import { AUTHENTICATING_TEST_METHODS, DECLINING_TEST_METHODS } from './stripe-test-cards.js';
import { ConnectAccounts } from './stripe-accounts.js';

/** A parsed Stripe form body: nested keys (`metadata[bookingId]`) as objects, indexed keys as arrays. */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };

export type Json = Record<string, unknown>;

export interface Answer {
  status: number;
  body: unknown;
  replayed?: boolean;
}

/** One refund of a PaymentIntent's charge, as the fake holds it. */
export interface FakeRefund {
  id: string;
  amount: number;
  paymentIntentId: string;
  chargeId: string | null;
  idempotencyKey: string | null;
  metadata: Record<string, string>;
}

export interface FakePaymentIntent {
  id: string;
  amount: number;
  currency: string;
  status: string;
  captureMethod: string;
  /** What a capture may still take (0 once captured, cancelled or expired). */
  amountCapturable: number;
  /** What was captured (Stripe's amount_received). */
  amountReceived: number;
  /** The sum of the refunds below. */
  amountRefunded: number;
  chargeId: string | null;
  paymentMethod: string | null;
  transferGroup: string | null;
  cancellationReason: string | null;
  metadata: Record<string, string>;
  /** The key the PaymentIntent was created with. */
  idempotencyKey: string | null;
  refunds: FakeRefund[];
  /** The dispute (chargeback) opened on the charge, if any: refunds are refused from then on. */
  disputeId: string | null;
}

export interface FakeReversal {
  id: string;
  amount: number;
  idempotencyKey: string | null;
  metadata: Record<string, string>;
}

export interface FakeTransfer {
  id: string;
  amount: number;
  amountReversed: number;
  currency: string;
  destination: string;
  sourceTransaction: string | null;
  transferGroup: string | null;
  metadata: Record<string, string>;
  idempotencyKey: string | null;
  reversals: FakeReversal[];
}

/** One mutating request (POST/DELETE) that reached the fake, however it was answered. */
export interface FakeMutation {
  method: string;
  path: string;
  idempotencyKey: string | null;
  /** Null when the connection was dropped without an answer. */
  status: number | null;
  /** Answered from the idempotency memory: Stripe did nothing this time. */
  replayed: boolean;
  /** Answered or dropped by an injected fault. */
  injected: boolean;
}

/** Everything the fake holds, for invariant checks (GET /_fake/stripe/state gives it as JSON). */
export interface StripeFakeState {
  paymentIntents: FakePaymentIntent[];
  transfers: FakeTransfer[];
  mutations: FakeMutation[];
}

/** One booking's money as Stripe holds it: its PaymentIntents (metadata.bookingId) and transfers (transfer_group). */
export interface BookingMoney {
  paymentIntentIds: string[];
  /** Still held on the card: the amount_capturable of intents in requires_capture. */
  held: number;
  captured: number;
  refunded: number;
  transferred: number;
  reversed: number;
  /** Every mutating request carrying a key `<bookingId>:<step>`, in order. */
  mutations: FakeMutation[];
}

/** Sums what Stripe holds for one booking, for invariant checks (works on the JSON from GET /_fake/stripe/state too). */
export function moneyOfBooking(state: StripeFakeState, bookingId: string): BookingMoney {
  const intents = state.paymentIntents.filter((intent) => intent.metadata.bookingId === bookingId);
  const transfers = state.transfers.filter((transfer) => transfer.transferGroup === bookingId);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return {
    paymentIntentIds: intents.map((intent) => intent.id),
    held: sum(intents.filter((intent) => intent.status === 'requires_capture').map((intent) => intent.amountCapturable)),
    captured: sum(intents.map((intent) => intent.amountReceived)),
    refunded: sum(intents.map((intent) => intent.amountRefunded)),
    transferred: sum(transfers.map((transfer) => transfer.amount)),
    reversed: sum(transfers.map((transfer) => transfer.amountReversed)),
    mutations: state.mutations.filter((mutation) => mutation.idempotencyKey?.startsWith(`${bookingId}:`)),
  };
}

/** Stripe's error body and status. */
export function stripeError(status: number, type: string, message: string, extra: { code?: string; param?: string; [key: string]: unknown } = {}): Answer {
  return { status, body: { error: { type, message, ...extra } } };
}

function invalidRequest(message: string, code: string, param?: string): Answer {
  return stripeError(400, 'invalid_request_error', message, { code, ...(param ? { param } : {}), doc_url: `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}` });
}

/** An authenticating card confirmed off-session: the cardholder is not there to authenticate. */
const OFF_SESSION_AUTHENTICATION_DECLINE = { code: 'authentication_required', declineCode: 'authentication_required', message: 'Your card was declined. This transaction requires authentication.' };

/** Kept for the state view and GET /_fake/stripe/state; the oldest go first past this. */
const MUTATIONS_KEPT = 10_000;

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const euros = (minor: number, currency: string) => `${currency.toUpperCase()} ${(minor / 100).toFixed(2)}`;

function stringMap(value: FormValue | undefined): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function integer(value: FormValue | undefined): number | undefined {
  return typeof value === 'string' && value !== '' ? Number(value) : undefined;
}

interface IntentRecord {
  state: FakePaymentIntent;
  /** stripe-mock's fixture at creation: the fields the fake does not model. */
  base: Json;
  clientSecret: string;
  nextAction: Json | null;
  lastPaymentError: Json | null;
  canceledAt: number | null;
}

interface TransferRecord {
  state: FakeTransfer;
  base: Json;
}

interface RequestContext {
  method: string;
  path: string;
  query: Record<string, FormValue>;
  body: Record<string, FormValue>;
  idempotencyKey: string | null;
  /** stripe-mock's (valid, stateless) answer to the same request. */
  fixture: Json;
}

export class StripeModel {
  private readonly intents = new Map<string, IntentRecord>();
  private readonly intentByCharge = new Map<string, string>();
  private readonly transfers = new Map<string, TransferRecord>();
  /** SetupIntents and saved cards (./stripe-payment-methods.ts); the hosted pages confirm through it. */
  readonly savedCards = new PaymentMethodAttachments();
  private readonly connectAccounts = new ConnectAccounts();
  private mutations: FakeMutation[] = [];

  /** Forgets every PaymentIntent, refund, transfer and mutation. Saved cards stay: they are a test's set-up, not money. */
  reset(): void {
    this.intents.clear();
    this.intentByCharge.clear();
    this.transfers.clear();
    this.mutations = [];
  }

  recordMutation(mutation: FakeMutation): void {
    this.mutations.push(mutation);
    if (this.mutations.length > MUTATIONS_KEPT) this.mutations = this.mutations.slice(-MUTATIONS_KEPT);
  }

  state(): StripeFakeState {
    return structuredClone({
      paymentIntents: [...this.intents.values()].map((record) => record.state),
      transfers: [...this.transfers.values()].map((record) => record.state),
      mutations: this.mutations,
    });
  }

  /** The tutor finished Stripe's hosted onboarding of a connected account created here. */
  onboardAccount(id: string): Answer {
    return this.connectAccounts.onboard(id);
  }

  /** A hold the card network let lapse (docs.stripe.com/payments/place-a-hold-on-a-payment-method). */
  expireAuthorization(id: string): Answer {
    const record = this.intents.get(id);
    if (!record) return invalidRequest(`No such payment_intent: '${id}'`, 'resource_missing', 'intent');
    if (record.state.status !== 'requires_capture') {
      return invalidRequest(`Only an authorized PaymentIntent (requires_capture) can expire; ${id} is ${record.state.status}.`, 'payment_intent_unexpected_state');
    }
    this.cancel(record, 'automatic');
    return { status: 200, body: this.render(record) };
  }

  /** The PaymentIntent as Stripe.js sees it with its client secret; undefined for an unknown id or another secret. */
  paymentIntentForClient(id: string, clientSecret: string): Json | undefined {
    const record = this.intents.get(id);
    return record && record.clientSecret === clientSecret ? this.render(record) : undefined;
  }

  /**
   * The cardholder disputes the captured charge with their bank (docs.stripe.com/disputes): Stripe
   * opens a dispute, and refuses refunds of the charge from then on. Answers the dispute object, for
   * the charge.dispute.created event a test delivers.
   */
  dispute(id: string, reason = 'fraudulent'): Answer {
    const record = this.intents.get(id);
    if (!record) return invalidRequest(`No such payment_intent: '${id}'`, 'resource_missing', 'intent');
    const { state } = record;
    if (state.status !== 'succeeded' || !state.chargeId) {
      return invalidRequest(`Only a captured charge can be disputed; ${id} is ${state.status}.`, 'payment_intent_unexpected_state');
    }
    if (state.disputeId) return invalidRequest(`The charge ${state.chargeId} is already disputed (${state.disputeId}).`, 'charge_disputed');
    state.disputeId = newId('dp');
    return ok({
      id: state.disputeId,
      object: 'dispute',
      amount: state.amountReceived - state.amountRefunded,
      currency: state.currency,
      charge: state.chargeId,
      payment_intent: state.id,
      reason,
      status: 'needs_response',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      metadata: {},
    });
  }

  /** The cardholder finishing (or failing) 3-D Secure in the browser, which no server call can do. */
  authenticate(id: string, succeed: boolean): Answer {
    const record = this.intents.get(id);
    if (!record) return invalidRequest(`No such payment_intent: '${id}'`, 'resource_missing', 'intent');
    if (record.state.status !== 'requires_action') {
      return invalidRequest(`Only a PaymentIntent waiting for authentication (requires_action) can be authenticated; ${id} is ${record.state.status}.`, 'payment_intent_unexpected_state');
    }
    record.nextAction = null;
    if (succeed) {
      this.authorize(record);
    } else {
      record.state.status = 'requires_payment_method';
      record.lastPaymentError = {
        type: 'invalid_request_error',
        code: 'payment_intent_authentication_failure',
        message: 'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
      };
    }
    return { status: 200, body: this.render(record) };
  }

  /** What Stripe answers to a request stripe-mock accepted, given the state. */
  answer(request: RequestContext): Answer {
    const { method, path } = request;
    let match: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v1/payment_intents') return this.createIntent(request);
    if (method === 'POST' && (match = path.match(/^\/v1\/payment_intents\/([^/]+)\/(capture|cancel|confirm)$/))) {
      const [, id, action] = match as [string, string, 'capture' | 'cancel' | 'confirm'];
      const record = this.intents.get(id);
      if (!record) return this.unknownIntent(request, action);
      if (action === 'capture') return this.capture(record, request);
      if (action === 'cancel') return this.cancelRequest(record, request);
      return this.confirm(record, request);
    }
    if (method === 'GET' && (match = path.match(/^\/v1\/payment_intents\/([^/]+)$/))) {
      const record = this.intents.get(match[1]!);
      return ok(record ? this.render(record) : request.fixture);
    }
    if (method === 'POST' && path === '/v1/refunds') return this.refund(request);
    if (method === 'GET' && path === '/v1/refunds') {
      const { payment_intent: intentId, charge } = request.query;
      const data = [...this.intents.values()]
        .flatMap((record) => record.state.refunds.map((refund) => ({ refund, record })))
        .filter(({ refund }) => (!intentId || refund.paymentIntentId === intentId) && (!charge || refund.chargeId === charge))
        .reverse()
        .map(({ refund, record }) => this.renderRefund(refund, record, request.fixture));
      return ok({ ...request.fixture, data, has_more: false });
    }
    if (method === 'POST' && path === '/v1/transfers') return this.transfer(request);
    if (method === 'GET' && path === '/v1/transfers') {
      const group = request.query.transfer_group;
      const data = [...this.transfers.values()]
        .filter((record) => !group || record.state.transferGroup === group)
        .reverse()
        .map((record) => this.renderTransfer(record));
      return ok({ ...request.fixture, data, has_more: false });
    }
    if (method === 'GET' && (match = path.match(/^\/v1\/transfers\/([^/]+)$/))) {
      const record = this.transfers.get(match[1]!);
      return ok(record ? this.renderTransfer(record) : request.fixture);
    }
    if ((match = path.match(/^\/v1\/transfers\/([^/]+)\/reversals$/))) {
      const record = this.transfers.get(match[1]!);
      if (method === 'POST') return this.reverse(record, match[1]!, request);
      if (method === 'GET' && record) {
        const data = [...record.state.reversals].reverse().map((reversal) => this.renderReversal(reversal, record, request.fixture));
        return ok({ ...request.fixture, data, has_more: false });
      }
    }
    const savedCard = this.savedCards.answer(request);
    if (savedCard) return savedCard;
    const account = this.connectAccounts.answer(request);
    if (account) return account;
    if (method === 'POST' && path === '/v1/customers') {
      return ok({ ...request.fixture, metadata: stringMap(request.body.metadata), email: request.body.email ?? null });
    }
    return ok(request.fixture);
  }

  // --- PaymentIntents (docs.stripe.com/api/payment_intents, docs.stripe.com/payments/paymentintents/lifecycle)

  private createIntent(request: RequestContext): Answer {
    const { body, fixture } = request;
    const id = String(fixture.id ?? newId('pi'));
    const record: IntentRecord = {
      state: {
        id,
        amount: Number(body.amount),
        currency: String(body.currency ?? fixture.currency ?? 'usd'),
        status: body.payment_method ? 'requires_confirmation' : 'requires_payment_method',
        captureMethod: body.capture_method === 'manual' ? 'manual' : 'automatic',
        amountCapturable: 0,
        amountReceived: 0,
        amountRefunded: 0,
        chargeId: null,
        paymentMethod: typeof body.payment_method === 'string' ? body.payment_method : null,
        transferGroup: typeof body.transfer_group === 'string' ? body.transfer_group : null,
        cancellationReason: null,
        metadata: stringMap(body.metadata),
        idempotencyKey: request.idempotencyKey,
        refunds: [],
        disputeId: null,
      },
      base: fixture,
      clientSecret: `${id}_secret_${randomBytes(8).toString('hex')}`,
      nextAction: null,
      lastPaymentError: null,
      canceledAt: null,
    };
    this.intents.set(id, record);
    if (body.confirm === 'true') return this.confirmWith(record, record.state.paymentMethod, body.off_session === 'true');
    return ok(this.render(record));
  }

  private confirm(record: IntentRecord, request: RequestContext): Answer {
    if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(record.state.status)) {
      return unexpectedState(record, `You cannot confirm this PaymentIntent because it has a status of ${record.state.status}.`);
    }
    const method = typeof request.body.payment_method === 'string' ? request.body.payment_method : record.state.paymentMethod;
    return this.confirmWith(record, method);
  }

  /** Confirmation with a test PaymentMethod: a decline, 3-D Secure, or an authorization. */
  private confirmWith(record: IntentRecord, paymentMethod: string | null, offSession = false): Answer {
    record.state.paymentMethod = paymentMethod;
    if (!paymentMethod) {
      return invalidRequest('You cannot confirm this PaymentIntent because it\u2019s missing a payment method.', 'payment_intent_unexpected_state');
    }
    // Off-session, nobody can authenticate: Stripe declines with authentication_required
    // (docs.stripe.com/payments/save-and-reuse, "Charge the saved payment method later").
    const decline = offSession && AUTHENTICATING_TEST_METHODS.has(paymentMethod) ? OFF_SESSION_AUTHENTICATION_DECLINE : DECLINING_TEST_METHODS[paymentMethod];
    if (decline) {
      // A declined confirmation leaves the intent waiting for another method, with a failed charge.
      record.state.status = 'requires_payment_method';
      const chargeId = newId('ch');
      record.lastPaymentError = { type: 'card_error', code: decline.code, decline_code: decline.declineCode ?? null, message: decline.message, charge: chargeId };
      return stripeError(402, 'card_error', decline.message, {
        code: decline.code,
        ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
        charge: chargeId,
        doc_url: `https://stripe.com/docs/error-codes/${decline.code.replaceAll('_', '-')}`,
        payment_intent: this.render(record),
      });
    }
    if (AUTHENTICATING_TEST_METHODS.has(paymentMethod)) {
      record.state.status = 'requires_action';
      record.nextAction = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: 'https://hooks.stripe.com/fake-3ds' } };
      return ok(this.render(record));
    }
    this.authorize(record);
    return ok(this.render(record));
  }

  private authorize(record: IntentRecord): void {
    const { state } = record;
    state.chargeId = newId('ch');
    this.intentByCharge.set(state.chargeId, state.id);
    record.lastPaymentError = null;
    if (state.captureMethod === 'manual') {
      Object.assign(state, { status: 'requires_capture', amountCapturable: state.amount });
    } else {
      Object.assign(state, { status: 'succeeded', amountReceived: state.amount });
    }
  }

  private capture(record: IntentRecord, request: RequestContext): Answer {
    const { state } = record;
    if (state.status !== 'requires_capture') {
      return unexpectedState(record, `This PaymentIntent could not be captured because it has a status of ${state.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`);
    }
    const amount = integer(request.body.amount_to_capture) ?? state.amountCapturable;
    if (amount > state.amountCapturable) {
      return invalidRequest(
        `The amount_to_capture (${amount}) must be less than or equal to the amount_capturable (${state.amountCapturable}) of this PaymentIntent.`,
        'amount_too_large',
        'amount_to_capture',
      );
    }
    // The rest of the hold is released: a PaymentIntent is captured once.
    Object.assign(state, { status: 'succeeded', amountReceived: amount, amountCapturable: 0 });
    return ok(this.render(record));
  }

  private cancelRequest(record: IntentRecord, request: RequestContext): Answer {
    if (record.state.status === 'succeeded' || record.state.status === 'canceled') {
      return unexpectedState(
        record,
        `You cannot cancel this PaymentIntent because it has a status of ${record.state.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.`,
      );
    }
    this.cancel(record, typeof request.body.cancellation_reason === 'string' ? request.body.cancellation_reason : null);
    return ok(this.render(record));
  }

  private cancel(record: IntentRecord, reason: string | null): void {
    Object.assign(record.state, { status: 'canceled', amountCapturable: 0, cancellationReason: reason });
    record.nextAction = null;
    record.canceledAt = Math.floor(Date.now() / 1000);
  }

  /** An intent created elsewhere: stripe-mock's fixture, moved to where the action leaves it. */
  private unknownIntent(request: RequestContext, action: 'capture' | 'cancel' | 'confirm'): Answer {
    const { fixture } = request;
    if (action === 'capture') {
      const amount = integer(request.body.amount_to_capture) ?? Number(fixture.amount);
      return ok({ ...fixture, status: 'succeeded', amount_received: amount, amount_capturable: 0, latest_charge: newId('ch') });
    }
    if (action === 'cancel') return ok({ ...fixture, status: 'canceled', amount_capturable: 0, canceled_at: Math.floor(Date.now() / 1000) });
    return ok(fixture);
  }

  // --- Refunds (docs.stripe.com/api/refunds/create, docs.stripe.com/refunds)

  private refund(request: RequestContext): Answer {
    const { body, fixture } = request;
    const record =
      typeof body.payment_intent === 'string'
        ? this.intents.get(body.payment_intent)
        : typeof body.charge === 'string'
          ? this.intents.get(this.intentByCharge.get(body.charge) ?? '')
          : undefined;
    if (!record) {
      // Not an intent this fake saw: echo what was asked, as before.
      return ok({ ...fixture, amount: integer(body.amount) ?? fixture.amount, payment_intent: body.payment_intent ?? null, metadata: stringMap(body.metadata), reason: body.reason ?? null });
    }
    const { state } = record;
    if (state.status !== 'succeeded') {
      return unexpectedState(record, `This PaymentIntent (${state.id}) does not have a successful charge to refund.`, 'payment_intent');
    }
    if (state.disputeId) return invalidRequest(`Charge ${state.chargeId} has been charged back; cannot issue a refund.`, 'charge_disputed');
    const remaining = state.amountReceived - state.amountRefunded;
    if (remaining <= 0) return invalidRequest(`Charge ${state.chargeId} has already been refunded.`, 'charge_already_refunded');
    const amount = integer(body.amount) ?? remaining;
    if (amount > remaining) {
      return invalidRequest(
        `Refund amount (${euros(amount, state.currency)}) is greater than unrefunded amount on charge (${euros(remaining, state.currency)})`,
        'amount_too_large',
        'amount',
      );
    }
    const refund: FakeRefund = {
      id: String(fixture.id ?? newId('re')),
      amount,
      paymentIntentId: state.id,
      chargeId: state.chargeId,
      idempotencyKey: request.idempotencyKey,
      metadata: stringMap(body.metadata),
    };
    state.refunds.push(refund);
    state.amountRefunded += amount;
    return ok({ ...this.renderRefund(refund, record, fixture), reason: body.reason ?? null });
  }

  // --- Transfers and reversals (docs.stripe.com/connect/separate-charges-and-transfers, docs.stripe.com/api/transfer_reversals)

  private transfer(request: RequestContext): Answer {
    const { body, fixture } = request;
    const amount = Number(body.amount);
    const source = typeof body.source_transaction === 'string' ? body.source_transaction : null;
    const intent = source ? this.intents.get(this.intentByCharge.get(source) ?? '') : undefined;
    if (intent && source) {
      const transferred = [...this.transfers.values()].filter((record) => record.state.sourceTransaction === source).reduce((sum, record) => sum + record.state.amount, 0);
      const available = intent.state.amountReceived - transferred;
      if (amount > available) {
        return invalidRequest(
          `The transfer amount (${euros(amount, intent.state.currency)}) exceeds what remains of the source transaction ${source} (${euros(Math.max(available, 0), intent.state.currency)}: ${euros(intent.state.amountReceived, intent.state.currency)} captured, ${euros(transferred, intent.state.currency)} transferred already).`,
          'amount_too_large',
          'amount',
        );
      }
    }
    const record: TransferRecord = {
      base: fixture,
      state: {
        id: String(fixture.id ?? newId('tr')),
        amount,
        amountReversed: 0,
        currency: String(body.currency ?? fixture.currency ?? 'usd'),
        destination: String(body.destination ?? fixture.destination ?? ''),
        sourceTransaction: source,
        transferGroup: typeof body.transfer_group === 'string' ? body.transfer_group : null,
        metadata: stringMap(body.metadata),
        idempotencyKey: request.idempotencyKey,
        reversals: [],
      },
    };
    this.transfers.set(record.state.id, record);
    return ok(this.renderTransfer(record));
  }

  private reverse(record: TransferRecord | undefined, transferId: string, request: RequestContext): Answer {
    const { body, fixture } = request;
    if (!record) return ok({ ...fixture, transfer: transferId, amount: integer(body.amount) ?? fixture.amount, metadata: stringMap(body.metadata) });
    const { state } = record;
    const remaining = state.amount - state.amountReversed;
    const amount = integer(body.amount) ?? remaining;
    if (amount > remaining) {
      return invalidRequest(
        `The reversal amount (${euros(amount, state.currency)}) is greater than the unreversed amount of transfer ${state.id} (${euros(remaining, state.currency)}).`,
        'amount_too_large',
        'amount',
      );
    }
    const reversal: FakeReversal = { id: String(fixture.id ?? newId('trr')), amount, idempotencyKey: request.idempotencyKey, metadata: stringMap(body.metadata) };
    state.reversals.push(reversal);
    state.amountReversed += amount;
    return ok(this.renderReversal(reversal, record, fixture));
  }

  // --- Rendering: stripe-mock's fixture with the modelled fields over it

  private render(record: IntentRecord): Json {
    const { state } = record;
    return {
      ...record.base,
      id: state.id,
      object: 'payment_intent',
      amount: state.amount,
      currency: state.currency,
      status: state.status,
      capture_method: state.captureMethod,
      amount_capturable: state.amountCapturable,
      amount_received: state.amountReceived,
      latest_charge: state.chargeId,
      payment_method: state.paymentMethod,
      transfer_group: state.transferGroup,
      cancellation_reason: state.cancellationReason,
      canceled_at: record.canceledAt,
      client_secret: record.clientSecret,
      next_action: record.nextAction,
      last_payment_error: record.lastPaymentError,
      metadata: state.metadata,
    };
  }

  private renderRefund(refund: FakeRefund, record: IntentRecord, fixture: Json): Json {
    return {
      ...fixture,
      id: refund.id,
      object: 'refund',
      amount: refund.amount,
      currency: record.state.currency,
      charge: refund.chargeId,
      payment_intent: refund.paymentIntentId,
      metadata: refund.metadata,
      status: 'succeeded',
    };
  }

  private renderTransfer(record: TransferRecord): Json {
    const { state } = record;
    return {
      ...record.base,
      id: state.id,
      object: 'transfer',
      amount: state.amount,
      amount_reversed: state.amountReversed,
      reversed: state.amountReversed >= state.amount,
      currency: state.currency,
      destination: state.destination,
      source_transaction: state.sourceTransaction,
      transfer_group: state.transferGroup,
      metadata: state.metadata,
    };
  }

  private renderReversal(reversal: FakeReversal, record: TransferRecord, fixture: Json): Json {
    return { ...fixture, id: reversal.id, object: 'transfer_reversal', amount: reversal.amount, currency: record.state.currency, transfer: record.state.id, metadata: reversal.metadata };
  }
}

function ok(body: Json): Answer {
  return { status: 200, body };
}

function unexpectedState(record: IntentRecord, message: string, param?: string): Answer {
  const answer = invalidRequest(message, 'payment_intent_unexpected_state', param);
  ((answer.body as Json).error as Json).payment_intent = { id: record.state.id, object: 'payment_intent', status: record.state.status };
  return answer;
}
