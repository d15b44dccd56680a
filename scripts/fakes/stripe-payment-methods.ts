/**
 * Saved cards in the fake Stripe: SetupIntents and which PaymentMethods are attached to which
 * customers, the state stripe-mock does not keep (it answers every look-up with a fixture).
 * - A customer's PaymentMethods are listed (GET /v1/customers/{id}/payment_methods, newest first)
 *   and retrieved only when attached to that customer, a 404 otherwise, as in Stripe
 *   (docs.stripe.com/api/payment_methods/customer_list, …/customer), so the API can check a
 *   booking's card is one the student saved.
 * - A SetupIntent (docs.stripe.com/api/setup_intents) is confirmed with a test PaymentMethod: a
 *   declining card fails it (402 card_error, the intent back to requires_payment_method with
 *   last_setup_error); a 3-D Secure card asks for authentication (requires_action) first; success
 *   attaches the card to the intent's customer (status succeeded), as Stripe does for a SetupIntent
 *   created with a customer. In a browser that is Stripe.js; in development the fake's own hosted
 *   page (scripts/fakes/stripe-hosted-pages.ts) plays it.
 *
 * One difference, on purpose: Stripe clones a test card such as pm_card_visa into a new pm_… id on
 * attach; here it keeps its id and may be attached to several customers, so every test student and
 * the demo student can save and pay with pm_card_visa.
 */
import { randomBytes } from 'node:crypto';
import { stripeError, type Answer, type FormValue, type Json } from './stripe-state.js';
import { AUTHENTICATING_TEST_METHODS, DECLINING_TEST_METHODS, TEST_CARD_DETAILS } from './stripe-test-cards.js';

interface PaymentMethodRequest {
  method: string;
  path: string;
  body: Record<string, FormValue>;
  fixture: Json;
}


interface SetupIntentRecord {
  id: string;
  customer: string | null;
  clientSecret: string;
  status: 'requires_payment_method' | 'requires_action' | 'succeeded' | 'canceled';
  paymentMethod: string | null;
  lastSetupError: Json | null;
  base: Json;
}

export class PaymentMethodAttachments {
  /** customer → PaymentMethod ids, in the order attached. */
  private readonly byCustomer = new Map<string, string[]>();
  private readonly setupIntents = new Map<string, SetupIntentRecord>();
  /** stripe-mock's PaymentMethod fixture, for rendering cards listed before any was fetched. */
  private methodFixture: Json = {};

  /** Stripe's answer when the request is about saved cards; undefined for any other request. */
  answer({ method, path, body, fixture }: PaymentMethodRequest): Answer | undefined {
    let match: RegExpMatchArray | null;
    if (method === 'POST' && (match = path.match(/^\/v1\/payment_methods\/([^/]+)\/(attach|detach)$/))) {
      const [, id, action] = match as [string, string, 'attach' | 'detach'];
      this.methodFixture = fixture;
      if (action === 'detach') {
        for (const [customer, ids] of this.byCustomer) this.byCustomer.set(customer, ids.filter((saved) => saved !== id));
        return { status: 200, body: this.renderMethod(id, null) };
      }
      this.attach(id, String(body.customer));
      return { status: 200, body: this.renderMethod(id, String(body.customer)) };
    }
    if (method === 'GET' && (match = path.match(/^\/v1\/customers\/([^/]+)\/payment_methods\/([^/]+)$/))) {
      const [, customer, id] = match as [string, string, string];
      this.methodFixture = fixture;
      if (!this.byCustomer.get(customer)?.includes(id)) {
        return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', param: 'payment_method', message: `No such PaymentMethod: '${id}'` } } };
      }
      return { status: 200, body: this.renderMethod(id, customer) };
    }
    if (method === 'GET' && (match = path.match(/^\/v1\/customers\/([^/]+)\/payment_methods$/))) {
      const customer = match[1]!;
      const data = [...(this.byCustomer.get(customer) ?? [])].reverse().map((id) => this.renderMethod(id, customer));
      return { status: 200, body: { ...fixture, object: 'list', url: path, data, has_more: false } };
    }
    if (method === 'POST' && path === '/v1/setup_intents') {
      const id = String(fixture.id ?? `seti_${randomBytes(12).toString('hex')}`);
      const record: SetupIntentRecord = {
        id,
        customer: typeof body.customer === 'string' ? body.customer : null,
        clientSecret: `${id}_secret_${randomBytes(8).toString('hex')}`,
        status: 'requires_payment_method',
        paymentMethod: null,
        lastSetupError: null,
        base: { ...fixture, usage: body.usage ?? fixture.usage, metadata: body.metadata ?? {} },
      };
      this.setupIntents.set(id, record);
      return { status: 200, body: this.renderSetup(record) };
    }
    if ((match = path.match(/^\/v1\/setup_intents\/([^/]+)(\/confirm)?$/))) {
      const record = this.setupIntents.get(match[1]!);
      if (!record) return undefined; // made by another proxy run: stripe-mock's fixture
      if (method === 'GET' && !match[2]) return { status: 200, body: this.renderSetup(record) };
      if (method === 'POST' && match[2]) return this.confirmSetup(record.id, record.clientSecret, typeof body.payment_method === 'string' ? body.payment_method : '');
    }
    return undefined;
  }

  /** The intent, when the client secret is its own (Stripe.js identifies the intent by it). */
  setupIntent(id: string, clientSecret: string): Json | undefined {
    const record = this.setupIntents.get(id);
    return record && record.clientSecret === clientSecret ? this.renderSetup(record) : undefined;
  }

  /** Confirms a SetupIntent with a test PaymentMethod, as Stripe.js does with the client secret. */
  confirmSetup(id: string, clientSecret: string, paymentMethod: string): Answer {
    const record = this.setupIntents.get(id);
    if (!record || record.clientSecret !== clientSecret) return stripeError(404, 'invalid_request_error', `No such setupintent: '${id}'`, { code: 'resource_missing' });
    if (record.status !== 'requires_payment_method') {
      return stripeError(400, 'invalid_request_error', `You cannot confirm this SetupIntent because it has a status of ${record.status}.`, { code: 'setup_intent_unexpected_state' });
    }
    if (!/^pm_\w+$/.test(paymentMethod)) return stripeError(400, 'invalid_request_error', 'A payment_method is required to confirm this SetupIntent.', { param: 'payment_method' });
    record.paymentMethod = paymentMethod;
    const decline = DECLINING_TEST_METHODS[paymentMethod];
    if (decline) {
      record.lastSetupError = { type: 'card_error', code: decline.code, decline_code: decline.declineCode ?? null, message: decline.message };
      return stripeError(402, 'card_error', decline.message, { code: decline.code, decline_code: decline.declineCode, setup_intent: this.renderSetup(record) });
    }
    if (AUTHENTICATING_TEST_METHODS.has(paymentMethod)) {
      record.status = 'requires_action';
      return { status: 200, body: this.renderSetup(record) };
    }
    return this.succeed(record);
  }

  /** The cardholder finishing (or failing) 3-D Secure on a SetupIntent. */
  authenticateSetup(id: string, clientSecret: string, succeed: boolean): Answer {
    const record = this.setupIntents.get(id);
    if (!record || record.clientSecret !== clientSecret) return stripeError(404, 'invalid_request_error', `No such setupintent: '${id}'`, { code: 'resource_missing' });
    if (record.status !== 'requires_action') {
      return stripeError(400, 'invalid_request_error', `Only a SetupIntent waiting for authentication can be authenticated; ${id} is ${record.status}.`, { code: 'setup_intent_unexpected_state' });
    }
    if (succeed) return this.succeed(record);
    record.status = 'requires_payment_method';
    record.lastSetupError = { type: 'invalid_request_error', code: 'setup_intent_authentication_failure', message: 'The latest attempt to set up the payment method has failed because authentication failed.' };
    return { status: 200, body: this.renderSetup(record) };
  }

  private succeed(record: SetupIntentRecord): Answer {
    record.status = 'succeeded';
    record.lastSetupError = null;
    if (record.customer && record.paymentMethod) this.attach(record.paymentMethod, record.customer);
    return { status: 200, body: this.renderSetup(record) };
  }

  private attach(id: string, customer: string): void {
    const ids = (this.byCustomer.get(customer) ?? []).filter((saved) => saved !== id);
    this.byCustomer.set(customer, [...ids, id]);
  }

  private renderMethod(id: string, customer: string | null): Json {
    const base = this.methodFixture;
    const card = TEST_CARD_DETAILS[id];
    const baseCard = (base.card ?? {}) as Json;
    return { ...base, id, object: 'payment_method', type: 'card', customer, card: { ...baseCard, brand: baseCard.brand ?? 'visa', last4: baseCard.last4 ?? '4242', ...(card ?? {}), exp_month: baseCard.exp_month ?? 12, exp_year: baseCard.exp_year ?? new Date().getUTCFullYear() + 3 } };
  }

  private renderSetup(record: SetupIntentRecord): Json {
    return {
      ...record.base,
      id: record.id,
      object: 'setup_intent',
      customer: record.customer,
      client_secret: record.clientSecret,
      status: record.status,
      payment_method: record.paymentMethod,
      last_setup_error: record.lastSetupError,
      next_action: record.status === 'requires_action' ? { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } } : null,
    };
  }
}
