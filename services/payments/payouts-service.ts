/**
 * Tutors' payouts through Stripe Connect Express: the platform creates one connected account per
 * tutor (once, remembered on the profile) and sends the tutor to Stripe's hosted onboarding. Whether
 * payouts are enabled is learned from account.updated webhooks.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../domain/principal.js';
import type { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import { AppError } from '../../domain/errors.js';
import type { StripeClient } from '../../integrations/stripe.js';
import { callStripe } from './stripe-failure.js';

export interface PayoutsOptions {
  /** Where Stripe sends the tutor back: the web app's pages under this base. */
  publicBaseUrl: string;
  defaultCountry: string;
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

    const base = this.options.publicBaseUrl.replace(/\/+$/, '');
    const link = await callStripe('onboarding link', () =>
      this.stripe.accountLinks.create(
        {
          account: accountId,
          type: 'account_onboarding',
          refresh_url: `${base}/payouts/onboarding/refresh`,
          return_url: `${base}/payouts/onboarding/return`,
        },
        // A link is single-use and short-lived: each request wants a fresh one.
        { idempotencyKey: `account-link:${principal.userId}:${randomUUID()}` },
      ),
    );
    return { accountId, url: link.url, expiresAt: new Date(link.expires_at * 1000) };
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
