/**
 * Saved cards in the fake Stripe: which PaymentMethods are attached to which customers, the state
 * stripe-mock does not keep (it answers every look-up with a fixture). Retrieving a customer's
 * PaymentMethod is a 404 unless it was attached to that customer, as in Stripe
 * (docs.stripe.com/api/payment_methods/customer), so the API can check a booking's card is one the
 * student saved.
 *
 * One difference, on purpose: Stripe clones a test card such as pm_card_visa into a new pm_… id on
 * attach; here it keeps its id and may be attached to several customers, so every test student and
 * the demo student can save and pay with pm_card_visa.
 */
import type { Answer, FormValue, Json } from './stripe-state.js';

interface PaymentMethodRequest {
  method: string;
  path: string;
  body: Record<string, FormValue>;
  fixture: Json;
}

export class PaymentMethodAttachments {
  /** PaymentMethod id → the customers it is attached to. */
  private readonly customers = new Map<string, Set<string>>();

  /** Stripe's answer when the request is about saved cards; undefined for any other request. */
  answer({ method, path, body, fixture }: PaymentMethodRequest): Answer | undefined {
    let match: RegExpMatchArray | null;
    if (method === 'POST' && (match = path.match(/^\/v1\/payment_methods\/([^/]+)\/(attach|detach)$/))) {
      const [, id, action] = match as [string, string, 'attach' | 'detach'];
      if (action === 'detach') {
        this.customers.delete(id);
        return { status: 200, body: { ...fixture, id, customer: null } };
      }
      const customer = String(body.customer);
      this.customers.set(id, new Set([...(this.customers.get(id) ?? []), customer]));
      return { status: 200, body: { ...fixture, id, customer } };
    }
    if (method === 'GET' && (match = path.match(/^\/v1\/customers\/([^/]+)\/payment_methods\/([^/]+)$/))) {
      const [, customer, id] = match as [string, string, string];
      if (!this.customers.get(id)?.has(customer)) {
        return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', param: 'payment_method', message: `No such PaymentMethod: '${id}'` } } };
      }
      return { status: 200, body: { ...fixture, id, customer } };
    }
    return undefined;
  }
}
