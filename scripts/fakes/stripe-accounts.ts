/**
 * Connect Express accounts in the fake Stripe: the state stripe-mock does not keep (it answers
 * every account with one fixture, the same id each time). An account created here starts as
 * Stripe's does, onboarding not finished (details_submitted, charges_enabled and payouts_enabled
 * false), and Stripe refuses an Express dashboard login link for it until the tutor has finished
 * onboarding (docs.stripe.com/connect/express-dashboard: login links are for accounts that completed
 * onboarding). `onboard(id)` (POST /_fake/stripe/accounts/{id}/onboard) plays the tutor finishing
 * Stripe's hosted form. An account this fake did not create is answered with the fixture, as before.
 */
import { randomBytes } from 'node:crypto';
import type { Answer, FormValue, Json } from './stripe-state.js';

interface AccountRequest {
  method: string;
  path: string;
  body: Record<string, FormValue>;
  fixture: Json;
}

interface AccountRecord {
  id: string;
  detailsSubmitted: boolean;
  email: string | null;
  country: string | null;
  metadata: Record<string, string>;
}

const refusal = (message: string, param?: string): Answer => ({ status: 400, body: { error: { type: 'invalid_request_error', message, ...(param ? { param } : {}) } } });

export class ConnectAccounts {
  private readonly accounts = new Map<string, AccountRecord>();

  /** The tutor finished Stripe's hosted onboarding: details submitted, charges and payouts enabled. */
  onboard(id: string): Answer {
    const record = this.accounts.get(id);
    if (!record) return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such account: '${id}'` } } };
    record.detailsSubmitted = true;
    return { status: 200, body: { id, details_submitted: true } };
  }

  /** Stripe's answer when the request is about connected accounts; undefined for any other request. */
  answer({ method, path, body, fixture }: AccountRequest): Answer | undefined {
    let match: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v1/accounts') {
      const metadata = typeof body.metadata === 'object' && !Array.isArray(body.metadata) ? (body.metadata as Record<string, string>) : {};
      const record: AccountRecord = { id: `acct_${randomBytes(8).toString('hex')}`, detailsSubmitted: false, email: typeof body.email === 'string' ? body.email : null, country: typeof body.country === 'string' ? body.country : null, metadata };
      this.accounts.set(record.id, record);
      return { status: 200, body: this.render(record, fixture) };
    }
    if (method === 'GET' && (match = path.match(/^\/v1\/accounts\/([^/]+)$/))) {
      const record = this.accounts.get(match[1]!);
      return record ? { status: 200, body: this.render(record, fixture) } : undefined;
    }
    if (method === 'POST' && (match = path.match(/^\/v1\/accounts\/([^/]+)\/login_links$/))) {
      const record = this.accounts.get(match[1]!);
      if (record && !record.detailsSubmitted) return refusal('Cannot create a login link for an account that has not completed onboarding.', 'account');
      return { status: 200, body: { ...fixture, object: 'login_link', url: `https://connect.stripe.com/express/${randomBytes(8).toString('hex')}` } };
    }
    return undefined;
  }

  private render(record: AccountRecord, fixture: Json): Json {
    const done = record.detailsSubmitted;
    return {
      ...fixture,
      id: record.id,
      type: 'express',
      email: record.email,
      country: record.country ?? fixture.country ?? null,
      metadata: record.metadata,
      details_submitted: done,
      charges_enabled: done,
      payouts_enabled: done,
    };
  }
}
