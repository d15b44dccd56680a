/**
 * Tutors' payouts through Stripe Connect Express: the platform creates one connected account per
 * tutor (once, remembered on the profile) and sends the tutor to Stripe's hosted onboarding. Whether
 * payouts are enabled is learned from account.updated webhooks.
 */
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import type { Principal } from '../../domain/principal.js';
import type { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import { AppError } from '../../domain/errors.js';
import type { StripeClient } from '../../integrations/stripe.js';
import type { OnboardingStateSigner } from './onboarding-state.js';
import { callStripe } from './stripe-failure.js';

export interface PayoutsOptions {
  /** Where Stripe sends the tutor back: the API's onboarding return and refresh routes under this base. */
  publicBaseUrl: string;
  /** The web app, where the tutor lands after the API has read their account again. */
  frontendBaseUrl: string;
  defaultCountry: string;
  states: OnboardingStateSigner;
}

/** Where an onboarding return or refresh sends the browser next. */
export interface Redirect {
  location: string;
}

export interface OnboardingLink {
  accountId: string;
  url: string;
  expiresAt: Date;
}

export class PayoutsService {
  constructor(
    private readonly stripe: StripeClient,
    private readonly tutorProfiles: TutorProfileRepository,
    private readonly users: UserRepository,
    private readonly options: PayoutsOptions,
  ) {}

  async startOnboarding(principal: Principal, input: { country?: string }): Promise<OnboardingLink> {
    requireTutor(principal);
    const profile = await this.tutorProfiles.findByUserId(principal.userId);
    if (!profile) throw AppError.conflict('Create your tutor profile (PUT /api/me/tutor-profile) before setting up payouts');
    const accountId = profile.stripeAccountId ?? (await this.createAccount(principal.userId, input.country ?? this.options.defaultCountry));
    return this.accountLink(principal.userId, accountId);
  }

  /**
   * Stripe's refresh URL (the link expired or was used): a fresh link for the same account, at once.
   * A state that is not ours or has expired lands on the web app's page that offers to start again.
   */
  async refreshOnboarding(token: string): Promise<Redirect> {
    const state = this.options.states.verify(token);
    const profile = state ? await this.tutorProfiles.findByUserId(state.userId) : undefined;
    if (!state || profile?.stripeAccountId !== state.accountId) return { location: this.webPage('refresh') };
    return { location: (await this.accountLink(state.userId, state.accountId)).url };
  }

  /**
   * Stripe's return URL: the tutor left the onboarding (finished or not). Stripe's webhook may come
   * later, so the account is read again now and the profile brought up to date before the web app
   * shows it.
   */
  async returnFromOnboarding(token: string): Promise<Redirect> {
    const state = this.options.states.verify(token);
    if (!state) return { location: this.webPage('refresh') };
    const account = await callStripe('connected account', () => this.stripe.accounts.retrieve(state.accountId));
    await this.tutorProfiles.setPayoutsEnabledByAccount(state.accountId, account.payouts_enabled === true, new Date());
    return { location: this.webPage('return') };
  }

  /** A single-use link to the tutor's Stripe Express dashboard; Stripe gives none before onboarding is finished (409). */
  async dashboardLink(principal: Principal): Promise<{ url: string; createdAt: Date }> {
    requireTutor(principal);
    const accountId = (await this.tutorProfiles.findByUserId(principal.userId))?.stripeAccountId;
    if (!accountId) throw AppError.conflict('Set up payouts first (POST /api/me/payouts/onboarding)');
    const link = await callStripe('dashboard link', async () => {
      try {
        return await this.stripe.accounts.createLoginLink(accountId);
      } catch (error) {
        if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 400) {
          throw AppError.conflict('Finish your payout onboarding with Stripe first: its dashboard opens once it is done');
        }
        throw error;
      }
    });
    return { url: link.url, createdAt: new Date(link.created * 1000) };
  }

  private async accountLink(userId: string, accountId: string): Promise<OnboardingLink> {
    const base = this.options.publicBaseUrl.replace(/\/+$/, '');
    const state = encodeURIComponent(this.options.states.sign({ userId, accountId }));
    const link = await callStripe('onboarding link', () =>
      this.stripe.accountLinks.create(
        {
          account: accountId,
          type: 'account_onboarding',
          refresh_url: `${base}/api/payouts/onboarding/refresh?state=${state}`,
          return_url: `${base}/api/payouts/onboarding/return?state=${state}`,
        },
        // A link is single-use and short-lived: each request wants a fresh one.
        { idempotencyKey: `account-link:${userId}:${randomUUID()}` },
      ),
    );
    return { accountId, url: link.url, expiresAt: new Date(link.expires_at * 1000) };
  }

  private webPage(landing: 'return' | 'refresh'): string {
    return `${this.options.frontendBaseUrl.replace(/\/+$/, '')}/payouts/onboarding/${landing}`;
  }

  async status(principal: Principal): Promise<{ accountId: string | null; payoutsEnabled: boolean }> {
    requireTutor(principal);
    const profile = await this.tutorProfiles.findByUserId(principal.userId);
    return { accountId: profile?.stripeAccountId ?? null, payoutsEnabled: profile?.payoutsEnabled ?? false };
  }

  private async createAccount(userId: string, country: string): Promise<string> {
    const user = await this.users.findById(userId);
    if (!user) throw AppError.notFound('Your account');
    const account = await callStripe('connected account', () =>
      this.stripe.accounts.create(
        {
          type: 'express',
          country,
          email: user.email,
          capabilities: { transfers: { requested: true } },
          metadata: { tutorflowUserId: userId },
        },
        // Keyed by tutor and country: a retry (or a concurrent request) within Stripe's key window
        // gets the same account back instead of a second one.
        { idempotencyKey: `connect-account:${userId}:${country}` },
      ),
    );
    // If another request stored an account first, that one wins and is used from now on.
    return (await this.tutorProfiles.setStripeAccountIfAbsent(userId, account.id)) ?? account.id;
  }
}

function requireTutor(principal: Principal): void {
  if (principal.role !== 'tutor') throw AppError.forbidden('Only tutors are paid out');
}
